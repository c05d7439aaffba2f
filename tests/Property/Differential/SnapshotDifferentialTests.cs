using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CrdtCollab.Property.Tests.Oracle;
using Xunit;
using Xunit.Abstractions;

namespace CrdtCollab.Property.Tests.Differential;

/// <summary>
/// Snapshots against yjs in seeded random sessions (gc off): two C# peers edit rich text
/// (formatting, embeds), a map (values, nested texts and maps, deletions) and an array (values,
/// nested types) concurrently. Snapshots taken along the way must encode (V1, V2) as yjs's
/// <c>Y.snapshot</c> of a doc with the same state; at the end, for every snapshot, a C# doc and a
/// yjs doc loaded with the final state must build the same update for it (V1 and V2, yjs's
/// createDocFromSnapshot), restore the same document (state, JSON, text deltas), and agree on
/// equalSnapshots. CRDT_SNAPSHOT_SESSIONS (default 300), CRDT_DIFF_SEED as for DifferentialTests.
/// </summary>
[Collection(YjsCollection.Name)]
public sealed class SnapshotDifferentialTests(YjsOracleFixture fixture, ITestOutputHelper output)
{
    private const int DefaultSessions = 300;
    private const int CiSeed = 20261203;

    private static readonly Dictionary<string, string> Roots = new() { ["t"] = "text", ["m"] = "map", ["a"] = "array" };

    [Fact]
    public void Snapshots_encode_and_restore_as_in_yjs()
    {
        var oracle = fixture.Oracle;
        var seed = DiffRunSettings.Seed(CiSeed);
        var sessions = DiffRunSettings.Sessions("CRDT_SNAPSHOT_SESSIONS", DefaultSessions);
        output.WriteLine($"{oracle.VersionLine}; seed {seed}; {sessions} sessions");
        var failures = new List<string>();
        var count = 0;
        for (var i = 0; i < sessions && failures.Count < 5; i++)
        {
            var (c, failure) = RunSession(oracle, unchecked(seed + i));
            count += c;
            if (failure is not null)
            {
                failures.Add($"seed {unchecked(seed + i)}: {failure}");
            }
        }

        output.WriteLine($"{count} snapshots compared; {failures.Count} failing sessions");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    private static (int Count, string? Failure) RunSession(YjsOracle oracle, int seed)
    {
        var rng = new Random(seed);
        var peers = new[] { new YDoc(new YDocOptions { ClientId = 1, Gc = false }), new YDoc(new YDocOptions { ClientId = 2, Gc = false }) };
        var log = new StringBuilder();
        var name = $"sn{seed}";
        oracle.Call("new", new JsonObject { ["doc"] = name, ["clientID"] = 999, ["gc"] = false, ["roots"] = YjsOracle.Roots(Roots) });
        var snapshots = new List<YSnapshot>();
        try
        {
            var rounds = rng.Next(3, 12);
            for (var r = 0; r < rounds; r++)
            {
                foreach (var p in peers.Where(_ => rng.Next(100) < 80))
                {
                    Edit(rng, p, log);
                }

                if (rng.Next(100) < 50)
                {
                    var a = peers[rng.Next(2)];
                    peers[1 - Array.IndexOf(peers, a)].ApplyUpdate(a.EncodeStateAsUpdate(peers[1 - Array.IndexOf(peers, a)].EncodeStateVector()));
                }

                if (rng.Next(100) < 50)
                {
                    var snap = peers[0].GetSnapshot();
                    oracle.Call("apply", new JsonObject { ["doc"] = name, ["update"] = Convert.ToBase64String(peers[0].EncodeStateAsUpdate()) });
                    var yjs = oracle.Call("snapshot", new JsonObject { ["doc"] = name });
                    var v1 = Wire.Hex(YjsOracle.B64(yjs["v1"]));
                    var v2 = Wire.Hex(YjsOracle.B64(yjs["v2"]));
                    if (v1 != Wire.Hex(snap.Encode()) || v2 != Wire.Hex(snap.EncodeV2()))
                    {
                        return (0, $"snapshot {snapshots.Count}: yjs {v1} / {v2}, C# {Wire.Hex(snap.Encode())} / {Wire.Hex(snap.EncodeV2())}\n{log}");
                    }

                    snapshots.Add(snap);
                    log.AppendLine(CultureInfo.InvariantCulture, $"  snapshot {snapshots.Count - 1}");
                }
            }

            peers[1].ApplyUpdate(peers[0].EncodeStateAsUpdate(peers[1].EncodeStateVector()));
            peers[0].ApplyUpdate(peers[1].EncodeStateAsUpdate(peers[0].EncodeStateVector()));
            var final = peers[0].EncodeStateAsUpdate();
            oracle.Call("apply", new JsonObject { ["doc"] = name, ["update"] = Convert.ToBase64String(final) });
            var loaded = new YDoc(new YDocOptions { ClientId = 999, Gc = false });
            loaded.ApplyUpdate(final);
            for (var i = 0; i < snapshots.Count; i++)
            {
                var snap = YSnapshot.Decode(snapshots[i].Encode());
                var gc = rng.Next(2) == 0;
                var yjs = oracle.Call("fromSnapshot", new JsonObject { ["doc"] = name, ["snapshot"] = Convert.ToBase64String(snap.Encode()), ["gc"] = gc, ["clientID"] = 0 });
                var what = $"snapshot {i} (restored with gc {gc})";
                string? Check(string part, string expected, string actual) => expected == actual ? null : $"{what}: {part} differs\n   yjs {expected}\n   C#  {actual}\n{log}";
                var restored = loaded.CreateDocFromSnapshot(snap, new YDoc(new YDocOptions { ClientId = 0, Gc = gc }));
                var failure = Check("createDocFromSnapshot update (V1)", Wire.Hex(YjsOracle.B64(yjs["updateV1"])), Wire.Hex(loaded.EncodeStateFromSnapshot(snap)))
                    ?? Check("createDocFromSnapshot update (V2)", Wire.Hex(YjsOracle.B64(yjs["updateV2"])), Wire.Hex(loaded.EncodeStateFromSnapshotV2(snap)))
                    ?? Check("restored state", Wire.Hex(YjsOracle.B64(yjs["state"])), Wire.Hex(restored.EncodeStateAsUpdate()))
                    ?? Check("restored JSON", Wire.Canonical((string)yjs["canonical"]!), Wire.Canonical(DocJson.Of(restored, Roots)))
                    ?? Check("restored delta of t", Wire.Canonical((string)yjs["deltas"]!["t"]!), Wire.Canonical(DocJson.Delta(restored.GetText("t"))))
                    ?? Check("origin after restoring", Wire.Hex(YjsOracle.B64(yjs["origin"])), Wire.Hex(loaded.EncodeStateAsUpdate()));
                if (failure is not null)
                {
                    return (i, failure);
                }

                // The live peer restores the same content (its store granularity may differ from a loaded doc's).
                var live = peers[0].CreateDocFromSnapshot(snap, new YDoc(new YDocOptions { ClientId = 0, Gc = gc }));
                failure = Check("JSON restored from the live peer", Wire.Canonical((string)yjs["canonical"]!), Wire.Canonical(DocJson.Of(live, Roots)));
                if (failure is not null)
                {
                    return (i, failure);
                }
            }

            for (var i = 0; i < snapshots.Count; i++)
            {
                var j = rng.Next(snapshots.Count);
                var equal = (bool)oracle.Call("equalSnapshots", new JsonObject { ["a"] = Convert.ToBase64String(snapshots[i].Encode()), ["b"] = Convert.ToBase64String(snapshots[j].Encode()) })["equal"]!;
                if (equal != snapshots[i].Equals(snapshots[j]))
                {
                    return (i, $"equalSnapshots({i}, {j}): yjs {equal}\n{log}");
                }
            }

            return (snapshots.Count, null);
        }
        finally
        {
            oracle.Call("drop", new JsonObject { ["doc"] = name });
        }
    }

    private static readonly IReadOnlyDictionary<string, object?>[] Attributes =
    [
        new Dictionary<string, object?> { ["bold"] = true },
        new Dictionary<string, object?> { ["italic"] = true, ["color"] = "#f00" },
        new Dictionary<string, object?> { ["bold"] = null },
    ];

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<YDoc, object> CursorBoxes = [];

    private static class Cursors
    {
        public static bool TryGetValue(YDoc doc, out int value)
        {
            value = CursorBoxes.TryGetValue(doc, out var box) ? (int)box : -1;
            return value >= 0;
        }

        public static void AddOrUpdate(YDoc doc, int value) => CursorBoxes.AddOrUpdate(doc, value);
    }

    private static void Edit(Random rng, YDoc doc, StringBuilder log)
    {
        var who = $"  c{doc.ClientId}: ";
        var text = doc.GetText("t");
        var map = doc.GetMap("m");
        var array = doc.GetArray("a");
        var word = new string(Enumerable.Range(0, rng.Next(1, 5)).Select(_ => "abcxyz é"[rng.Next(8)]).ToArray());
        switch (rng.Next(12))
        {
            case 0 or 1 or 2:
                // Half the time the peer keeps typing where it stopped, so runs from different
                // rounds merge and snapshots fall inside items (createDocFromSnapshot must split).
                var i = Cursors.TryGetValue(doc, out var c) && c <= text.Length && rng.Next(2) == 0 ? c : rng.Next(text.Length + 1);
                Cursors.AddOrUpdate(doc, i + word.Length);
                var attrs = rng.Next(3) == 0 ? Attributes[rng.Next(2)] : null;
                text.Insert(i, word, attrs);
                log.AppendLine(CultureInfo.InvariantCulture, $"{who}t.insert({i}, \"{word}\", {(attrs is null ? "-" : string.Join(",", attrs.Keys))})");
                break;
            case 3 when text.Length > 0:
                var d = rng.Next(text.Length);
                var dl = Math.Min(text.Length - d, rng.Next(1, 4));
                text.Delete(d, dl);
                log.AppendLine(CultureInfo.InvariantCulture, $"{who}t.delete({d}, {dl})");
                break;
            case 4 when text.Length > 0:
                var f = rng.Next(text.Length);
                var fl = Math.Min(text.Length - f, rng.Next(1, 5));
                var fa = Attributes[rng.Next(Attributes.Length)];
                text.Format(f, fl, fa);
                log.AppendLine(CultureInfo.InvariantCulture, $"{who}t.format({f}, {fl}, {string.Join(",", fa.Select(kv => $"{kv.Key}={kv.Value}"))})");
                break;
            case 5:
                var e = rng.Next(text.Length + 1);
                text.InsertEmbed(e, new Dictionary<string, object?> { ["image"] = word });
                log.AppendLine(CultureInfo.InvariantCulture, $"{who}t.insertEmbed({e})");
                break;
            case 6:
                var key = $"k{rng.Next(3)}";
                object? value = rng.Next(4) switch { 0 => new YText(word), 1 => new YMap(), 2 => rng.Next(100), _ => word };
                map.Set(key, value);
                log.AppendLine(CultureInfo.InvariantCulture, $"{who}m.set({key}, {value?.GetType().Name})");
                break;
            case 7:
                var dk = $"k{rng.Next(3)}";
                map.Delete(dk);
                log.AppendLine(CultureInfo.InvariantCulture, $"{who}m.delete({dk})");
                break;
            case 8:
                var nk = $"k{rng.Next(3)}";
                if (map.Get(nk) is YText nested)
                {
                    var ni = rng.Next(nested.Length + 1);
                    nested.Insert(ni, word);
                    log.AppendLine(CultureInfo.InvariantCulture, $"{who}m.{nk}.insert({ni}, \"{word}\")");
                }
                else if (map.Get(nk) is YMap inner)
                {
                    inner.Set(word, rng.Next(10));
                    log.AppendLine(CultureInfo.InvariantCulture, $"{who}m.{nk}.set(\"{word}\")");
                }

                break;
            case 9 or 10:
                var ai = rng.Next(array.Length + 1);
                object? item = rng.Next(3) switch { 0 => new YText(word), 1 => new YArray(), _ => rng.Next(100) };
                array.Insert(ai, item);
                log.AppendLine(CultureInfo.InvariantCulture, $"{who}a.insert({ai}, {item?.GetType().Name})");
                break;
            case 11 when array.Length > 0:
                var ad = rng.Next(array.Length);
                array.Delete(ad, 1);
                log.AppendLine(CultureInfo.InvariantCulture, $"{who}a.delete({ad})");
                break;
        }
    }
}
