using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CrdtCollab.Property.Tests.Oracle;
using Xunit;
using Xunit.Abstractions;

namespace CrdtCollab.Property.Tests.Differential;

/// <summary>
/// UndoManager against yjs's in seeded random sessions. A C# doc and its yjs twin (same client
/// id) each have an undo manager over the same scope (one to four roots) and run the same local
/// transactions (every op kind of <see cref="OpGenerator"/>: inserts, deletes, formatting, map
/// changes, nested types), the same undo / redo / stopCapturing / clear calls, and receive the
/// same concurrent edits of a remote peer (untracked origin). Capture grouping is made explicit:
/// the timeout never expires (a fixed clock in C#, a huge timeout in yjs), so stack items end only
/// at stopCapturing, undo and redo. After every step the two states must be byte-identical and
/// the stack sizes equal, and relative positions taken in the root text along the way must resolve
/// as in yjs after every undo and redo (they follow the redone copies). CRDT_UNDO_SESSIONS (else
/// CRDT_DIFF_SESSIONS, else 300), CRDT_DIFF_SEED as for DifferentialTests.
/// </summary>
[Collection(YjsCollection.Name)]
public sealed class UndoDifferentialTests(YjsOracleFixture fixture, ITestOutputHelper output)
{
    private const int DefaultSessions = 300;
    private const int CiSeed = 20261205;

    private static readonly Dictionary<string, string> Roots = new() { ["text"] = "text", ["arr"] = "array", ["map"] = "map", ["xml"] = "xml" };

    [Fact]
    public void Undo_and_redo_end_in_yjs_states()
    {
        var oracle = fixture.Oracle;
        var seed = DiffRunSettings.Seed(CiSeed);
        var sessions = DiffRunSettings.Sessions("CRDT_UNDO_SESSIONS", DefaultSessions, followsDiffSessions: true);
        output.WriteLine($"{oracle.VersionLine}; seed {seed}; {sessions} sessions");
        var failures = new List<string>();
        long undos = 0;
        for (var i = 0; i < sessions && failures.Count < 3; i++)
        {
            var (count, failure) = RunSession(oracle, unchecked(seed + i));
            undos += count;
            if (failure is not null)
            {
                failures.Add($"seed {unchecked(seed + i)}: {failure}");
            }

            DiffRunSettings.ReportProgress(GetType().Name, i + 1, failures.Count);
        }

        output.WriteLine($"{undos} undo/redo calls that changed the document; {failures.Count} failing sessions");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);
    }

    private static (long Calls, string? Failure) RunSession(YjsOracle oracle, int seed)
    {
        var rng = new Random(seed);
        var log = new StringBuilder();
        var gc = rng.Next(4) != 0;
        var gen = new OpGenerator(rng) { FormatHeavy = rng.Next(4) == 0 };
        var scope = Roots.Keys.Where(_ => rng.Next(3) != 0).ToList();
        if (scope.Count == 0)
        {
            scope.Add("text");
        }

        var a = new YDoc(new YDocOptions { ClientId = 1, Gc = gc });
        var remote = new YDoc(new YDocOptions { ClientId = 2, Gc = gc });
        var toRemote = new List<byte[]>();
        var toA = new List<byte[]>();
        a.UpdateV1 += (_, e) => toRemote.Add(e.Update);
        remote.UpdateV1 += (_, e) =>
        {
            if (!Equals(e.Origin, "remote"))
            {
                toA.Add(e.Update);
            }
        };
        var um = new UndoManager(scope.Select(r => DocJson.Root(a, r, Roots[r])), new UndoManagerOptions { TimeProvider = new FixedClock() });
        var twin = $"un{seed}";
        oracle.Call("new", new JsonObject { ["doc"] = twin, ["clientID"] = 1, ["gc"] = gc, ["roots"] = YjsOracle.Roots(Roots) });
        long calls = 0;
        long effective = 0;
        var positions = new List<RelativePosition>();
        try
        {
            JsonObject Actions(params string[] actions) => oracle.Call("undo", new JsonObject
            {
                ["doc"] = twin,
                ["scope"] = new JsonArray(scope.Select(x => (JsonNode)x).ToArray()),
                ["captureTimeout"] = 1e12,
                ["actions"] = new JsonArray(actions.Select(x => (JsonNode)x).ToArray()),
            });
            Actions();
            log.AppendLine(CultureInfo.InvariantCulture, $"gc {gc}, scope {string.Join(",", scope)}");
            var steps = rng.Next(5, 40);
            for (var step = 0; step < steps; step++)
            {
                var pick = rng.Next(100);
                string what;
                JsonObject? yjs = null;
                if (pick < 35)
                {
                    var ops = gen.Transaction(DocShape.FromDoc(a, Roots));
                    what = "local: " + string.Join(" ; ", ops);
                    a.Transact(_ =>
                    {
                        foreach (var op in ops)
                        {
                            op.Apply(a, Roots);
                        }
                    });
                    oracle.Call("transact", new JsonObject { ["doc"] = twin, ["ops"] = new JsonArray(ops.Select(o => (JsonNode)o.ToWire()).ToArray()) });
                }
                else if (pick < 50)
                {
                    what = "undo";
                    effective += um.Undo() is null ? 0 : 1;
                    yjs = Actions("undo");
                    calls++;
                }
                else if (pick < 60)
                {
                    what = "redo";
                    effective += um.Redo() is null ? 0 : 1;
                    yjs = Actions("redo");
                    calls++;
                }
                else if (pick < 72)
                {
                    what = "stopCapturing";
                    um.StopCapturing();
                    yjs = Actions("stop");
                }
                else if (pick < 74)
                {
                    what = "clear";
                    um.Clear();
                    yjs = Actions("clear");
                }
                else if (pick < 87)
                {
                    var ops = gen.Transaction(DocShape.FromDoc(remote, Roots));
                    what = "remote: " + string.Join(" ; ", ops);
                    remote.Transact(_ =>
                    {
                        foreach (var op in ops)
                        {
                            op.Apply(remote, Roots);
                        }
                    });
                }
                else
                {
                    what = $"sync ({toA.Count} updates to A)";
                    foreach (var u in toA)
                    {
                        a.ApplyUpdate(u, "remote");
                        oracle.Call("apply", new JsonObject { ["doc"] = twin, ["update"] = Convert.ToBase64String(u), ["origin"] = "remote" });
                    }

                    toA.Clear();
                    foreach (var u in toRemote)
                    {
                        remote.ApplyUpdate(u, "remote");
                    }

                    toRemote.Clear();
                }

                log.AppendLine(what);
                if (Environment.GetEnvironmentVariable("CRDT_UNDO_DEBUG") is { Length: > 0 })
                {
                    static string Ds(CrdtCollab.Crdt.Internal.DeleteSet d) => "[" + string.Join(",", d.Clients.Where(kv => kv.Value.Count > 0).Select(kv => $"[{kv.Key},[{string.Join(",", kv.Value.Select(r => $"[{r.Clock},{r.Length}]"))}]]")) + "]";
                    static string St(IReadOnlyList<UndoStackItem> s) => "[" + string.Join(",", s.Select(i => $"{{\"deletions\":{Ds(i.Deletions)},\"insertions\":{Ds(i.Insertions)}}}")) + "]";
                    var y = oracle.Call("undoStacks", new JsonObject { ["doc"] = twin });
                    log.AppendLine($"   yjs undo {y["undo"]!.ToJsonString()} redo {y["redo"]!.ToJsonString()}");
                    log.AppendLine($"   C#  undo {St(um.UndoStack)} redo {St(um.RedoStack)}");
                }

                yjs ??= Actions();
                var mine = Wire.Hex(a.EncodeStateAsUpdate());
                var theirs = Wire.Hex(oracle.State(twin));
                if (mine != theirs)
                {
                    return (calls, $"states differ after {what}:\n yjs {theirs}\n C#  {mine}\n yjs {oracle.Json(twin, Roots).Canonical}\n C#  {Wire.Canonical(DocJson.Of(a, Roots))}\n{log}");
                }

                if ((int)yjs["undo"]! != um.UndoStack.Count || (int)yjs["redo"]! != um.RedoStack.Count)
                {
                    return (calls, $"stack sizes differ after {what}: yjs {yjs["undo"]}/{yjs["redo"]}, C# {um.UndoStack.Count}/{um.RedoStack.Count}\n{log}");
                }

                // Cursors in the root text: after an undo brings deleted text back, positions in
                // it resolve in the copy (yjs's followUndoneDeletions), as in yjs.
                var text = a.GetText("text");
                if (rng.Next(3) == 0)
                {
                    positions.Add(RelativePosition.FromTypeIndex(text, rng.Next(text.Length + 1), rng.Next(2) == 0 ? 0 : -1));
                }

                if (positions.Count > 0 && what is "undo" or "redo")
                {
                    var theirs2 = oracle.Call("abspos", new JsonObject
                    {
                        ["doc"] = twin,
                        ["rpos"] = new JsonArray(positions.Select(p => (JsonNode)Convert.ToBase64String(p.Encode())).ToArray()),
                    })["positions"]!.AsArray();
                    for (var i = 0; i < positions.Count; i++)
                    {
                        var m = positions[i].ToAbsolutePosition(a);
                        var mineText = m is null ? "null" : $"{m.Index}/{m.Assoc}";
                        var theirText = theirs2[i] is { } t ? $"{(int)t["index"]!}/{(int)t["assoc"]!}" : "null";
                        if (mineText != theirText)
                        {
                            return (calls, $"relative position {positions[i].ToJson()} after {what}: yjs {theirText}, C# {mineText}\n{log}");
                        }
                    }
                }
            }

            // The undoing doc's updates (redone copies included) converge a plain peer to it.
            foreach (var u in toRemote)
            {
                remote.ApplyUpdate(u, "remote");
            }

            foreach (var u in toA)
            {
                a.ApplyUpdate(u, "remote");
            }

            if (Wire.Canonical(DocJson.Of(remote, Roots)) != Wire.Canonical(DocJson.Of(a, Roots)))
            {
                return (calls, $"a peer fed the undoing doc's updates differs:\n A {Wire.Canonical(DocJson.Of(a, Roots))}\n peer {Wire.Canonical(DocJson.Of(remote, Roots))}\n{log}");
            }

            return (effective, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (calls, $"threw: {e}\n{log}");
        }
        finally
        {
            oracle.Call("drop", new JsonObject { ["doc"] = twin });
        }
    }
}
