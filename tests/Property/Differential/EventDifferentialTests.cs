using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CrdtCollab.Property.Tests.Oracle;
using Xunit;
using Xunit.Abstractions;

namespace CrdtCollab.Property.Tests.Differential;

/// <summary>
/// Observe / observeDeep / afterTransaction event streams against yjs in seeded random sessions.
/// A watched C# doc and its watched yjs twin (same client id) run the same local transactions
/// (every op kind of <see cref="OpGenerator"/>, nested types, formatting) and receive the same
/// remote updates (from two unwatched C# peers, delivered late and shuffled so some wait as
/// pending; V1 or, in a third of the sessions, V2). After every step both event logs — each
/// event's path, delta (text deltas with attributes), keys with old values, origin and local
/// flag, in handler order — must be equal, and at the end the two states byte-identical.
/// CRDT_EVENT_SESSIONS (else CRDT_DIFF_SESSIONS, else 400), CRDT_DIFF_SEED as for DifferentialTests.
/// </summary>
[Collection(YjsCollection.Name)]
public sealed class EventDifferentialTests(YjsOracleFixture fixture, ITestOutputHelper output)
{
    private const int DefaultSessions = 400;
    private const int CiSeed = 20261204;

    private static readonly Dictionary<string, string> Roots = new() { ["text"] = "text", ["arr"] = "array", ["map"] = "map", ["xml"] = "xml" };

    [Fact]
    public void Event_streams_match_yjs()
    {
        var oracle = fixture.Oracle;
        var seed = DiffRunSettings.Seed(CiSeed);
        var sessions = DiffRunSettings.Sessions("CRDT_EVENT_SESSIONS", DefaultSessions, followsDiffSessions: true);
        output.WriteLine($"{oracle.VersionLine}; seed {seed}; {sessions} sessions");
        var failures = new List<string>();
        long events = 0;
        for (var i = 0; i < sessions && failures.Count < 3; i++)
        {
            var (count, failure) = new Session(oracle, unchecked(seed + i)).Run();
            events += count;
            if (failure is not null)
            {
                failures.Add($"seed {unchecked(seed + i)}: {failure}");
            }

            DiffRunSettings.ReportProgress(GetType().Name, i + 1, failures.Count);
        }

        output.WriteLine($"{events} log entries compared; {failures.Count} failing sessions");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    private sealed class Session(YjsOracle oracle, int seed)
    {
        private readonly Random _rng = new(seed);
        private readonly StringBuilder _log = new();
        private readonly string _twin = $"ev{seed}";
        private long _entries;

        public (long Entries, string? Failure) Run()
        {
            var gc = _rng.Next(4) != 0;
            var v2 = _rng.Next(3) == 0;
            var gen = new OpGenerator(_rng) { FormatHeavy = _rng.Next(4) == 0 };
            var a = new YDoc(new YDocOptions { ClientId = 1, Gc = gc });
            var remotes = new[] { new YDoc(new YDocOptions { ClientId = 2, Gc = gc }), new YDoc(new YDocOptions { ClientId = 3, Gc = gc }) };
            var inboxA = new List<byte[]>();
            var inboxes = remotes.Select(_ => new List<byte[]>()).ToArray();
            a.UpdateV1 += (_, e) =>
            {
                foreach (var box in inboxes)
                {
                    box.Add(e.Update);
                }
            };
            for (var r = 0; r < remotes.Length; r++)
            {
                var self = r;
                remotes[r].UpdateV1 += (_, e) =>
                {
                    if (!Equals(e.Origin, "remote"))
                    {
                        inboxA.Add(e.Update);
                        inboxes[1 - self].Add(e.Update);
                    }
                };
            }

            var recorder = new EventRecorder();
            recorder.Watch(a, Roots);
            oracle.Call("new", new JsonObject { ["doc"] = _twin, ["clientID"] = 1, ["gc"] = gc, ["roots"] = YjsOracle.Roots(Roots) });
            try
            {
                oracle.Call("watch", new JsonObject { ["doc"] = _twin });
                _log.AppendLine(CultureInfo.InvariantCulture, $"gc {gc}, v2 {v2}");
                var steps = _rng.Next(5, 30);
                for (var step = 0; step < steps; step++)
                {
                    var pick = _rng.Next(100);
                    string? failure;
                    if (pick < 40)
                    {
                        var ops = gen.Transaction(DocShape.FromDoc(a, Roots));
                        _log.AppendLine("local: " + string.Join(" ; ", ops));
                        a.Transact(_ =>
                        {
                            foreach (var op in ops)
                            {
                                op.Apply(a, Roots);
                            }
                        }, "local");
                        oracle.Call("transact", new JsonObject { ["doc"] = _twin, ["ops"] = new JsonArray(ops.Select(o => (JsonNode)o.ToWire()).ToArray()), ["origin"] = "local" });
                        failure = Compare(recorder, "after a local transaction");
                    }
                    else if (pick < 75)
                    {
                        var r = _rng.Next(remotes.Length);
                        var ops = gen.Transaction(DocShape.FromDoc(remotes[r], Roots));
                        _log.AppendLine(CultureInfo.InvariantCulture, $"remote {r}: {string.Join(" ; ", ops)}");
                        remotes[r].Transact(_ =>
                        {
                            foreach (var op in ops)
                            {
                                op.Apply(remotes[r], Roots);
                            }
                        });
                        failure = null;
                    }
                    else
                    {
                        failure = Deliver(a, inboxA, v2, recorder, all: false);
                        for (var r = 0; r < remotes.Length; r++)
                        {
                            if (_rng.Next(2) == 0)
                            {
                                foreach (var u in inboxes[r].ToList())
                                {
                                    remotes[r].ApplyUpdate(u, "remote");
                                }

                                inboxes[r].Clear();
                            }
                        }
                    }

                    if (failure is not null)
                    {
                        return (_entries, failure + "\n" + _log);
                    }
                }

                foreach (var r in remotes)
                {
                    inboxA.Add(r.EncodeStateAsUpdate());
                }

                var last = Deliver(a, inboxA, v2, recorder, all: true);
                if (last is not null)
                {
                    return (_entries, last + "\n" + _log);
                }

                var mine = Wire.Hex(a.EncodeStateAsUpdate());
                var theirs = Wire.Hex(oracle.State(_twin));
                return (_entries, mine == theirs ? null : $"final states differ:\n yjs {theirs}\n C#  {mine}\n{_log}");
            }
            finally
            {
                oracle.Call("drop", new JsonObject { ["doc"] = _twin });
            }
        }

        private string? Deliver(YDoc a, List<byte[]> inbox, bool v2, EventRecorder recorder, bool all)
        {
            var take = inbox.Where(_ => all || _rng.Next(3) != 0).OrderBy(_ => _rng.Next()).ToList();
            foreach (var u in take)
            {
                inbox.Remove(u);
                var bytes = v2 ? YUpdate.ConvertUpdateFormatV1ToV2(u) : u;
                _log.AppendLine(CultureInfo.InvariantCulture, $"deliver {(v2 ? "V2 " : "")}{Wire.Hex(u)}");
                if (v2)
                {
                    a.ApplyUpdateV2(bytes, "remote");
                }
                else
                {
                    a.ApplyUpdate(bytes, "remote");
                }

                oracle.Call("apply", new JsonObject { ["doc"] = _twin, ["update"] = Convert.ToBase64String(bytes), ["v2"] = v2, ["origin"] = "remote" });
                if (Compare(recorder, "after applying an update") is { } failure)
                {
                    return failure;
                }
            }

            return null;
        }

        private string? Compare(EventRecorder recorder, string when)
        {
            var mine = recorder.Take();
            var theirs = oracle.Call("events", new JsonObject { ["doc"] = _twin })["events"]!.AsArray();
            _entries += theirs.Count;
            var m = Wire.Canonical(NormalizeNumbers(mine)!.ToJsonString());
            var t = Wire.Canonical(NormalizeNumbers(theirs)!.ToJsonString());
            if (m == t)
            {
                return null;
            }

            return $"event logs differ {when}:\n yjs {t}\n C#  {m}";
        }

        // Numbers beyond integers of 2^53 travel as text ({"$f64": …}) from .NET, and JS spells
        // exponents differently: both sides become {"$f64": round-trip text}.
        private static JsonNode? NormalizeNumbers(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o when o.Count == 1 && o["$f64"] is JsonValue v && v.TryGetValue<string>(out var text):
                    return new JsonObject { ["$f64"] = Wire.ParseJsNumber(text).ToString("R", CultureInfo.InvariantCulture) };
                case JsonObject o:
                    foreach (var key in o.Select(kv => kv.Key).ToList())
                    {
                        o[key] = NormalizeNumbers(o[key]?.DeepClone());
                    }

                    return o;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        a[i] = NormalizeNumbers(a[i]?.DeepClone());
                    }

                    return a;
                case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number:
                    var d = double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);
                    return Math.Floor(d) == d && Math.Abs(d) <= 9007199254740991d
                        ? JsonValue.Create((long)d)
                        : new JsonObject { ["$f64"] = d.ToString("R", CultureInfo.InvariantCulture) };
                default:
                    return n;
            }
        }
    }
}
