using System.IO.Compression;
using System.Security.Cryptography;
using CrdtCollab.Benchmarks.Traces;

namespace CrdtCollab.Benchmarks.Modes;

/// <summary>
/// <c>-- verify [--yjs-export DIR]</c>: byte identity with Yjs on every trace; exits 1 on any
/// difference. Always compares our <c>EncodeStateAsUpdate</c> after the Local replay with the
/// golden final update real Yjs produced (<c>tests/Property/Golden/traces/*.yjs-update.bin.gz</c>)
/// and checks that golden update loads and re-encodes unchanged. With <c>--yjs-export DIR</c>
/// (written by <c>node benchmarks/peers/run.mjs --export-yjs DIR</c>) it also compares every
/// per-transaction update, i.e. the exact bytes the Incremental scenario feeds in.
/// </summary>
public static class VerifyMode
{
    public static int Run(string[] args)
    {
        string? exportDir = null;
        var traces = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--yjs-export" && i + 1 < args.Length)
            {
                exportDir = args[++i];
            }
            else
            {
                traces.Add(args[i]);
            }
        }

        var failures = 0;
        foreach (var name in traces.Count > 0 ? traces : [.. EditingTrace.All])
        {
            var trace = EditingTrace.Load(name);
            var updates = new List<byte[]>(trace.Transactions);
            var doc = TraceReplay.Local(trace, (_, e) => updates.Add(e.Update));
            TraceReplay.Expect(doc, trace, "local");
            var ours = doc.EncodeStateAsUpdate();

            var goldenPath = Path.Combine(RepoPaths.GoldenTraceDir, name + ".yjs-update.bin.gz");
            if (File.Exists(goldenPath))
            {
                var golden = Gunzip(goldenPath);
                failures += Check($"{name}: final update vs golden Yjs", golden, ours);
                var reloaded = TraceReplay.Load(golden);
                TraceReplay.Expect(reloaded, trace, "load golden");
                failures += Check($"{name}: golden update re-encoded", golden, reloaded.EncodeStateAsUpdate());
            }
            else if (exportDir is null)
            {
                Console.WriteLine($"FAIL {name}: no golden update at {goldenPath} and no --yjs-export DIR");
                failures++;
            }

            if (exportDir is not null)
            {
                failures += Check($"{name}: final update vs --yjs-export", File.ReadAllBytes(Path.Combine(exportDir, name + ".final.bin")), ours);
                failures += CheckUpdates(name, ReadFramed(Path.Combine(exportDir, name + ".updates.bin")), updates);
            }
        }

        Console.WriteLine(failures == 0 ? "verify: all byte-identical to Yjs" : $"verify: {failures} mismatch(es)");
        return failures == 0 ? 0 : 1;
    }

    private static int Check(string what, byte[] expected, byte[] actual)
    {
        if (expected.AsSpan().SequenceEqual(actual))
        {
            Console.WriteLine($"ok   {what}: identical, {actual.Length:N0} B, sha256 {Convert.ToHexStringLower(SHA256.HashData(actual))[..16]}…");
            return 0;
        }

        var i = expected.AsSpan().CommonPrefixLength(actual);
        Console.WriteLine($"FAIL {what}: Yjs {expected.Length:N0} B, ours {actual.Length:N0} B, first difference at byte {i}");
        return 1;
    }

    private static int CheckUpdates(string name, List<byte[]> expected, List<byte[]> actual)
    {
        if (expected.Count != actual.Count)
        {
            Console.WriteLine($"FAIL {name}: Yjs emitted {expected.Count} transaction updates, we emitted {actual.Count}");
            return 1;
        }

        long total = 0;
        for (var i = 0; i < expected.Count; i++)
        {
            if (!expected[i].AsSpan().SequenceEqual(actual[i]))
            {
                Console.WriteLine($"FAIL {name}: transaction update {i} differs (Yjs {Convert.ToHexStringLower(expected[i])}, ours {Convert.ToHexStringLower(actual[i])})");
                return 1;
            }

            total += actual[i].Length;
        }

        Console.WriteLine($"ok   {name}: all {actual.Count:N0} transaction updates identical to Yjs's ({total:N0} B)");
        return 0;
    }

    // run.mjs's framing: per update a little-endian uint32 length, then the bytes.
    private static List<byte[]> ReadFramed(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var list = new List<byte[]>();
        for (var off = 0; off < bytes.Length;)
        {
            var len = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(off));
            list.Add(bytes.AsSpan(off + 4, len).ToArray());
            off += 4 + len;
        }

        return list;
    }

    private static byte[] Gunzip(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }
}
