using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CrdtCollab.Property.Tests.Oracle;
using Xunit;
using Xunit.Abstractions;

namespace CrdtCollab.Property.Tests.Differential;

/// <summary>
/// Relative positions against yjs in seeded random sessions: two or three C# peers edit a root
/// text, a root array and a text nested in a map (which is sometimes replaced) concurrently with
/// partial syncs. At a random point, positions (random index and assoc) are taken in one peer;
/// the same state loaded into a yjs doc must give the same encoded bytes, JSON and absolute
/// index. After more concurrent edits and a full sync, the positions decoded from the bytes must
/// resolve in a C# peer exactly as yjs resolves them in a doc with the same state (index, assoc,
/// type, or null). CRDT_RELPOS_SESSIONS (default 1000), CRDT_DIFF_SEED as for DifferentialTests.
/// </summary>
[Collection(YjsCollection.Name)]
public sealed class RelativePositionDifferentialTests(YjsOracleFixture fixture, ITestOutputHelper output)
{
    private const int DefaultSessions = 1000;
    private const int CiSeed = 20261202;

    private static readonly (string[] Path, string Kind)[] Types = [(["t"], "text"), (["a"], "array"), (["m", "inner"], "text")];

    [Fact]
    public void Positions_survive_concurrent_edits_as_in_yjs()
    {
        var oracle = fixture.Oracle;
        var seed = DiffRunSettings.Seed(CiSeed);
        var sessions = DiffRunSettings.Sessions("CRDT_RELPOS_SESSIONS", DefaultSessions);
        output.WriteLine($"{oracle.VersionLine}; seed {seed}; {sessions} sessions");
        var failures = new List<string>();
        int positions = 0, nulls = 0;
        for (var i = 0; i < sessions && failures.Count < 5; i++)
        {
            var (p, nu, failure) = RunSession(oracle, unchecked(seed + i));
            positions += p;
            nulls += nu;
            if (failure is not null)
            {
                failures.Add($"seed {unchecked(seed + i)}: {failure}");
            }
        }

        output.WriteLine($"{positions} positions compared ({nulls} resolved to null after the edits); {failures.Count} failing sessions");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static (int Positions, int Nulls, string? Failure) RunSession(YjsOracle oracle, int seed)
    {
        var rng = new Random(seed);
        var gc = rng.Next(3) != 0;
        var peers = Enumerable.Range(0, rng.Next(2, 4)).Select(i => new YDoc(new YDocOptions { ClientId = 10 + i, Gc = gc })).ToList();
        peers[0].GetMap("m").Set("inner", new YText());
        foreach (var p in peers.Skip(1))
        {
            p.ApplyUpdate(peers[0].EncodeStateAsUpdate());
        }

        var log = new StringBuilder();
        void Rounds(int count)
        {
            for (var r = 0; r < count; r++)
            {
                foreach (var p in peers.Where(_ => rng.Next(100) < 70))
                {
                    Edit(rng, p, log);
                }

                if (rng.Next(100) < 40)
                {
                    var a = peers[rng.Next(peers.Count)];
                    var b = peers[rng.Next(peers.Count)];
                    b.ApplyUpdate(a.EncodeStateAsUpdate(b.EncodeStateVector()));
                }
            }
        }

        Rounds(rng.Next(2, 10));
        var author = peers[rng.Next(peers.Count)];
        var name = $"rp{seed}";
        oracle.Call("new", new JsonObject { ["doc"] = name, ["clientID"] = 999, ["gc"] = gc });
        try
        {
            oracle.Call("apply", new JsonObject { ["doc"] = name, ["update"] = Convert.ToBase64String(author.EncodeStateAsUpdate()) });
            var taken = new List<(RelativePosition Pos, string What)>();
            foreach (var (path, kind) in Types)
            {
                if (TypeAt(author, path) is not { } type)
                {
                    continue;
                }

                var at = Enumerable.Range(0, 6).Select(_ => (Index: rng.Next(Length(type) + 2), Assoc: rng.Next(4) switch { 0 => -1, 1 => 0, 2 => 1, _ => -3 })).ToList();
                var yjs = oracle.Call("relpos", new JsonObject
                {
                    ["doc"] = name,
                    ["path"] = new JsonArray(path.Select(x => (JsonNode)x).ToArray()),
                    ["kind"] = kind,
                    ["at"] = new JsonArray(at.Select(x => (JsonNode)new JsonArray(x.Index, x.Assoc)).ToArray()),
                })["positions"]!.AsArray();
                for (var i = 0; i < at.Count; i++)
                {
                    var what = $"{string.Join('.', path)} index {at[i].Index} assoc {at[i].Assoc}";
                    var pos = RelativePosition.FromTypeIndex(type, at[i].Index, at[i].Assoc);
                    var bytes = Wire.Hex(pos.Encode());
                    var expected = Wire.Hex(Convert.FromBase64String((string)yjs[i]!["bytes"]!));
                    if (bytes != expected || pos.ToJson() != (string)yjs[i]!["json"]!)
                    {
                        return (0, 0, $"{what}: yjs {expected} {(string)yjs[i]!["json"]!}, C# {bytes} {pos.ToJson()}\n{log}");
                    }

                    taken.Add((pos, what));
                }
            }

            var now = Compare(oracle, name, author, taken, "at once");
            if (now is not null)
            {
                return (0, 0, now + "\n" + log);
            }

            Rounds(rng.Next(1, 8));
            foreach (var a in peers)
            {
                foreach (var b in peers)
                {
                    b.ApplyUpdate(a.EncodeStateAsUpdate(b.EncodeStateVector()));
                }
            }

            var reader = peers[rng.Next(peers.Count)];
            oracle.Call("apply", new JsonObject { ["doc"] = name, ["update"] = Convert.ToBase64String(reader.EncodeStateAsUpdate()) });
            var decoded = taken.Select(t => (RelativePosition.Decode(t.Pos.Encode()), t.What)).ToList();
            var later = Compare(oracle, name, reader, decoded, "after concurrent edits");
            int nulls = decoded.Count(d => d.Item1.ToAbsolutePosition(reader) is null);
            return (taken.Count, nulls, later is null ? null : later + "\n" + log);
        }
        finally
        {
            oracle.Call("drop", new JsonObject { ["doc"] = name });
        }
    }

    private static string? Compare(YjsOracle oracle, string name, YDoc doc, List<(RelativePosition Pos, string What)> taken, string when)
    {
        var yjs = oracle.Call("abspos", new JsonObject
        {
            ["doc"] = name,
            ["rpos"] = new JsonArray(taken.Select(t => (JsonNode)Convert.ToBase64String(t.Pos.Encode())).ToArray()),
        })["positions"]!.AsArray();
        for (var i = 0; i < taken.Count; i++)
        {
            var mine = taken[i].Pos.ToAbsolutePosition(doc);
            var theirs = yjs[i];
            var a = mine is null ? "null" : $"{mine.Index}/{mine.Assoc}/{TypeId(mine.Type)}";
            var b = theirs is null ? "null" : $"{(int)theirs["index"]!}/{(int)theirs["assoc"]!}/{(theirs["type"] is { } t ? $"{(long)t["client"]!},{(long)t["clock"]!}" : "root")}";
            if (a != b)
            {
                return $"{taken[i].What} {when}: yjs {b}, C# {a}";
            }
        }

        return null;
    }

    private static string TypeId(YType type) =>
        RelativePosition.FromTypeIndex(type, 0, -1) is { Type: { } id } ? $"{id.Client},{id.Clock}" : "root";

    private static YType? TypeAt(YDoc doc, string[] path) => path.Length == 1
        ? path[0] == "a" ? doc.GetArray("a") : doc.GetText(path[0])
        : doc.GetMap(path[0]).Get(path[1]) as YText;

    private static int Length(YType type) => type switch
    {
        YText t => t.Length,
        YArray a => a.Length,
        _ => 0,
    };

    private static void Edit(Random rng, YDoc doc, StringBuilder log)
    {
        const string Alphabet = "abcdefxyzé";
        var pick = rng.Next(100);
        if (pick < 5)
        {
            doc.GetMap("m").Set("inner", new YText());
            log.AppendLine(CultureInfo.InvariantCulture, $"  c{doc.ClientId}: m.inner = new text");
            return;
        }

        var (path, _) = Types[rng.Next(Types.Length)];
        if (TypeAt(doc, path) is not { } type)
        {
            return;
        }

        var len = Length(type);
        var insert = len == 0 || rng.Next(100) < 60;
        var index = rng.Next(len + (insert ? 1 : 0));
        switch (type)
        {
            case YText text when insert:
                var s = new string(Enumerable.Range(0, rng.Next(1, 5)).Select(_ => Alphabet[rng.Next(Alphabet.Length)]).ToArray());
                text.Insert(index, s);
                log.AppendLine(CultureInfo.InvariantCulture, $"  c{doc.ClientId}: {string.Join('.', path)}.insert({index}, \"{s}\")");
                break;
            case YText text:
                var dl = Math.Min(len - index, rng.Next(1, 4));
                text.Delete(index, dl);
                log.AppendLine(CultureInfo.InvariantCulture, $"  c{doc.ClientId}: {string.Join('.', path)}.delete({index}, {dl})");
                break;
            case YArray array when insert:
                array.Insert(index, Enumerable.Range(0, rng.Next(1, 4)).Select(v => (object?)v).ToArray());
                log.AppendLine(CultureInfo.InvariantCulture, $"  c{doc.ClientId}: a.insert({index}, …)");
                break;
            case YArray array:
                var al = Math.Min(len - index, rng.Next(1, 3));
                array.Delete(index, al);
                log.AppendLine(CultureInfo.InvariantCulture, $"  c{doc.ClientId}: a.delete({index}, {al})");
                break;
        }
    }
}
