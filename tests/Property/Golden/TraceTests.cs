using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrdtCollab.Property.Tests.Oracle;
using Xunit;
using Xunit.Abstractions;

namespace CrdtCollab.Property.Tests.Golden;

/// <summary>
/// Real editing traces (traces/README.md): the final yjs update must load into a C# doc with the
/// right text and re-encode to the same bytes; replaying the trace through the C# API (client 1,
/// one transaction per trace txn) must produce exactly yjs's final update.
/// </summary>
public sealed class TraceTests(ITestOutputHelper output)
{
    private static readonly string TraceDir = Path.Combine(OracleEnvironment.GoldenDir, "traces");

    /// <summary>The traces themselves, stored once for the tests and the benchmarks (benchmarks/Data/README.md).</summary>
    private static readonly string TraceDataDir = Path.Combine(OracleEnvironment.RepoRoot, "benchmarks", "Data");

    public static TheoryData<string> Traces => ["automerge-paper", "seph-blog1", "sveltecomponent"];

    [Theory]
    [MemberData(nameof(Traces))]
    public void Yjs_update_loads_and_reencodes_unchanged(string name)
    {
        var meta = Manifest(name);
        var update = Gunzip(Path.Combine(TraceDir, (string)meta["updateFile"]!));
        Assert.Equal((string)meta["updateSha256"]!, Convert.ToHexStringLower(SHA256.HashData(update)));

        var doc = new YDoc(new YDocOptions { ClientId = 2 });
        var text = doc.GetText("text");
        doc.ApplyUpdate(update);
        var s = text.ToString();
        Assert.Equal(meta["textLength"]!.GetValue<int>(), s.Length);
        Assert.Equal((string)meta["textSha256"]!, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s))));
        Assert.Equal(EndContent(name), s);
        Assert.Equal((string)meta["stateVector"]!, Wire.Hex(doc.EncodeStateVector()));
        var again = doc.EncodeStateAsUpdate();
        Assert.True(update.AsSpan().SequenceEqual(again), FirstDifference(update, again));
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Yjs_v2_update_loads_and_reencodes_unchanged(string name)
    {
        // The same document as yjs's encodeStateAsUpdateV2 wrote it (generate.mjs): it loads to the
        // trace's text, re-encodes to the same V2 bytes and to yjs's V1 bytes, and converts both ways.
        var meta = Manifest(name);
        var update = Gunzip(Path.Combine(TraceDir, (string)meta["updateV2File"]!));
        var v1 = Gunzip(Path.Combine(TraceDir, (string)meta["updateFile"]!));
        Assert.Equal((string)meta["updateV2Sha256"]!, Convert.ToHexStringLower(SHA256.HashData(update)));

        var doc = new YDoc(new YDocOptions { ClientId = 2 });
        var text = doc.GetText("text");
        doc.ApplyUpdateV2(update);
        var s = text.ToString();
        Assert.Equal((string)meta["textSha256"]!, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s))));
        Assert.Equal(EndContent(name), s);
        Assert.Equal((string)meta["stateVector"]!, Wire.Hex(doc.EncodeStateVector()));
        var again = doc.EncodeStateAsUpdateV2();
        Assert.True(update.AsSpan().SequenceEqual(again), FirstDifference(update, again));
        var againV1 = doc.EncodeStateAsUpdate();
        Assert.True(v1.AsSpan().SequenceEqual(againV1), FirstDifference(v1, againV1));

        var fromV1 = YUpdate.ConvertUpdateFormatV1ToV2(v1);
        Assert.True(update.AsSpan().SequenceEqual(fromV1), FirstDifference(update, fromV1));
        var toV1 = YUpdate.ConvertUpdateFormatV2ToV1(update);
        Assert.True(v1.AsSpan().SequenceEqual(toV1), FirstDifference(v1, toV1));
        output.WriteLine($"{name}: V1 {v1.Length} bytes, V2 {update.Length} bytes");
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Local_replay_produces_yjs_bytes(string name)
    {
        var meta = Manifest(name);
        var expected = Gunzip(Path.Combine(TraceDir, (string)meta["updateFile"]!));
        using var json = JsonDocument.Parse(Gunzip(Path.Combine(TraceDataDir, $"{name}.json.gz")));
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        var text = doc.GetText("text");
        var start = json.RootElement.GetProperty("startContent").GetString();
        if (!string.IsNullOrEmpty(start))
        {
            text.Insert(0, start);
        }

        var sw = System.Diagnostics.Stopwatch.StartNew();
        foreach (var txn in json.RootElement.GetProperty("txns").EnumerateArray())
        {
            doc.Transact(_ =>
            {
                foreach (var p in txn.GetProperty("patches").EnumerateArray())
                {
                    var pos = p[0].GetInt32();
                    var del = p[1].GetInt32();
                    var ins = p[2].GetString();
                    if (del > 0)
                    {
                        text.Delete(pos, del);
                    }

                    if (!string.IsNullOrEmpty(ins))
                    {
                        text.Insert(pos, ins);
                    }
                }
            });
        }

        output.WriteLine($"{name}: {meta["patches"]} patches replayed in {sw.ElapsedMilliseconds} ms");
        Assert.Equal(json.RootElement.GetProperty("endContent").GetString(), text.ToString());
        var actual = doc.EncodeStateAsUpdate();
        Assert.True(expected.AsSpan().SequenceEqual(actual), FirstDifference(expected, actual));
    }

    private static JsonObject Manifest(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TraceDir, "traces.json")))!["traces"]!.AsArray()
            .Single(t => (string)t!["name"]! == name)!.AsObject();

    private static string EndContent(string name)
    {
        using var json = JsonDocument.Parse(Gunzip(Path.Combine(TraceDataDir, $"{name}.json.gz")));
        return json.RootElement.GetProperty("endContent").GetString()!;
    }

    private static byte[] Gunzip(string path)
    {
        using var file = File.OpenRead(path);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    private static string FirstDifference(byte[] expected, byte[] actual)
    {
        var n = Math.Min(expected.Length, actual.Length);
        var i = 0;
        while (i < n && expected[i] == actual[i])
        {
            i++;
        }

        var from = Math.Max(0, i - 16);
        return $"lengths yjs {expected.Length} / C# {actual.Length}; first difference at byte {i}: "
            + $"yjs …{Wire.Hex(expected.AsSpan(from, Math.Min(48, expected.Length - from)))} / C# …{Wire.Hex(actual.AsSpan(from, Math.Min(48, actual.Length - from)))}";
    }
}
