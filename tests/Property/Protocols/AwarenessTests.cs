using System.Text.Json;
using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Protocols;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static CrdtCollab.Property.Tests.Lib0.TestValues;

namespace CrdtCollab.Property.Tests.Protocols;

/// <summary>Spec §8.2: awareness bytes, acceptance rules, timeouts, atomicity, and replays of real y-protocols runs.</summary>
public sealed class AwarenessTests
{
    private const string AnnUpdate = "01 07 01 17 7b 22 75 73 65 72 22 3a 7b 22 6e 61 6d 65 22 3a 22 61 6e 6e 22 7d 7d";

    private static Dictionary<string, object?> Obj(params (string Key, object? Value)[] members)
    {
        var d = new Dictionary<string, object?>();
        foreach (var (k, v) in members)
        {
            d[k] = v;
        }
        return d;
    }

    private static byte[] Entry(long client, long clock, string json)
    {
        using var w = new Lib0Writer();
        w.WriteVarUint(1);
        w.WriteVarUint(client);
        w.WriteVarUint(clock);
        w.WriteVarString(json);
        return w.ToArray();
    }

    private static List<(string Kind, AwarenessChangeEventArgs Args)> Record(Awareness a)
    {
        var log = new List<(string, AwarenessChangeEventArgs)>();
        a.Changed += (_, e) => log.Add(("change", e));
        a.Updated += (_, e) => log.Add(("update", e));
        return log;
    }

    [Fact]
    public void Verified_bytes_from_section_8_2()
    {
        var a = new Awareness(7, new FakeTimeProvider());
        Assert.Equal("{}", JsJson.Stringify(a.LocalState));
        Assert.Equal(0, a.Meta[7].Clock);
        a.SetLocalState(Obj(("user", Obj(("name", "ann")))));
        Assert.Equal(ToHex(Hex(AnnUpdate)), ToHex(a.EncodeUpdate([7])));
        a.SetLocalState(null);
        Assert.Equal("010702046e756c6c", ToHex(a.EncodeUpdate([7])));
        Assert.Null(a.LocalState);
        Assert.Empty(a.GetStates());
    }

    [Fact]
    public void Local_changes_report_added_updated_removed_and_changed_only_when_deeply_different()
    {
        var a = new Awareness(1, new FakeTimeProvider());
        var log = Record(a);
        a.SetLocalState(Obj(("a", 1L), ("b", 2L)));
        // Same content, other key order: lib0's equalityDeep ignores order, so no "change".
        a.SetLocalState(Obj(("b", 2.0), ("a", 1L)));
        a.SetLocalState(null);
        a.SetLocalState(Obj());
        Assert.Equal(
            "change:[][1][]local update:[][1][]local update:[][1][]local change:[][][1]local update:[][][1]local change:[1][][]local update:[1][][]local",
            string.Join(' ', log.Select(Describe)));
        Assert.Equal(4, a.Meta[1].Clock);
        Assert.Throws<ArgumentException>(() => a.SetLocalState(new System.Numerics.BigInteger(1)));
        Assert.Equal(4, a.Meta[1].Clock);
    }

    private static string Describe((string Kind, AwarenessChangeEventArgs Args) e) =>
        $"{e.Kind}:[{string.Join(',', e.Args.Added)}][{string.Join(',', e.Args.Updated)}][{string.Join(',', e.Args.Removed)}]{e.Args.Origin}";

    [Fact]
    public void Remote_entries_are_accepted_by_clock()
    {
        var time = new FakeTimeProvider();
        var a = new Awareness(1, time);
        var log = Record(a);
        // Clock 0 is never accepted for an unknown client (0 < 0 is false) — as in y-protocols.
        a.ApplyUpdate(Entry(2, 0, "{}"), "r");
        Assert.False(a.GetStates().ContainsKey(2));
        a.ApplyUpdate(Entry(2, 3, "{\"x\":1}"), "r");
        a.ApplyUpdate(Entry(2, 3, "{\"x\":2}"), "r");
        a.ApplyUpdate(Entry(2, 2, "{\"x\":3}"), "r");
        Assert.Equal("{\"x\":1}", JsJson.Stringify(a.GetStates()[2]));
        a.ApplyUpdate(Entry(2, 4, "{\"x\":1}"), "r");
        // Null at the same clock removes; the same null again does nothing.
        a.ApplyUpdate(Entry(2, 4, "null"), "r");
        a.ApplyUpdate(Entry(2, 4, "null"), "r");
        Assert.False(a.GetStates().ContainsKey(2));
        Assert.Equal(4, a.Meta[2].Clock);
        // Encoding a removed client writes null with its last clock.
        Assert.Equal(ToHex(Entry(2, 4, "null")), ToHex(a.EncodeUpdate([2])));
        Assert.Equal(
            "change:[2][][]r update:[2][][]r update:[][2][]r change:[][][2]r update:[][][2]r",
            string.Join(' ', log.Select(Describe)));
        Assert.Throws<ArgumentException>(() => a.EncodeUpdate([99]));
    }

    [Fact]
    public void A_peer_cannot_take_the_local_state_offline()
    {
        var a = new Awareness(1, new FakeTimeProvider());
        var log = Record(a);
        a.ApplyUpdate(Entry(1, 0, "null"), "r");
        Assert.Equal("{}", JsJson.Stringify(a.LocalState));
        Assert.Equal(1, a.Meta[1].Clock);
        // y-protocols still reports the id as removed.
        Assert.Equal("change:[][][1]r update:[][][1]r", string.Join(' ', log.Select(Describe)));
    }

    [Fact]
    public void Timeouts_renew_the_local_state_and_drop_silent_peers()
    {
        var time = new FakeTimeProvider();
        var a = new Awareness(1, time);
        a.ApplyUpdate(Entry(2, 1, "{}"), "r");
        var log = Record(a);
        time.Advance(Awareness.RenewAfterMs - 1);
        a.CheckTimeouts();
        Assert.Empty(log);
        time.Advance(1);
        a.CheckTimeouts();
        Assert.Equal(1, a.Meta[1].Clock);
        Assert.Equal("update:[][1][]local", string.Join(' ', log.Select(Describe)));
        log.Clear();
        time.Advance(Awareness.OutdatedTimeoutMs - Awareness.RenewAfterMs - 1);
        a.CheckTimeouts();
        Assert.True(a.GetStates().ContainsKey(2));
        time.Advance(1);
        a.CheckTimeouts();
        Assert.False(a.GetStates().ContainsKey(2));
        Assert.Equal("update:[][1][]local change:[][][2]timeout update:[][][2]timeout", string.Join(' ', log.Select(Describe)));
        Assert.Equal(ToHex(Entry(2, 1, "null")), ToHex(a.EncodeUpdate([2])));
    }

    [Fact]
    public void Falsy_local_states_read_as_null_as_in_y_protocols()
    {
        var a = new Awareness(1, new FakeTimeProvider());
        a.SetLocalState(0L);
        Assert.Null(a.LocalState);
        Assert.Equal(0L, a.GetStates()[1]);
        Assert.Equal(ToHex(Entry(1, 1, "null")), ToHex(a.EncodeUpdate([1])));
    }

    [Theory]
    [InlineData("02 05 01 02 7b 7d 06 01 03 7b 7d")]
    [InlineData("02 05 01 02 7b 7d 06 01 02 7b 7b")]
    [InlineData("02 05 01 02 7b 7d 06 01 02 7b")]
    [InlineData("02 05 01 02 7b 7d 06 01 01 ff")]
    [InlineData("ff ff ff ff 0f")]
    public void A_rejected_update_changes_nothing(string hex)
    {
        var a = new Awareness(1, new FakeTimeProvider());
        var log = Record(a);
        Assert.Throws<UpdateFormatException>(() => a.ApplyUpdate(Hex(hex), "r"));
        Assert.Empty(log);
        Assert.False(a.Meta.ContainsKey(5));
        Assert.Single(a.GetStates());
    }

    [Fact]
    public void Matches_recorded_y_protocols_scenarios()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(ScenarioPath()));
        int steps = 0;
        foreach (var scenario in doc.RootElement.EnumerateArray())
        {
            var time = new FakeTimeProvider();
            long start = time.NowMs;
            var peers = new Dictionary<long, Awareness>();
            var events = new List<string>();
            foreach (long id in new long[] { 1, 2, 3 })
            {
                var a = new Awareness(id, time);
                a.Changed += (_, e) => events.Add(Event(id, "change", e));
                a.Updated += (_, e) => events.Add(Event(id, "update", e));
                peers[id] = a;
            }
            foreach (var step in scenario.EnumerateArray())
            {
                string op = step.GetProperty("op").GetString()!;
                long peer = step.TryGetProperty("peer", out var p) ? p.GetInt64() : 0;
                string where = $"scenario step {steps}: {step.GetRawText()[..Math.Min(120, step.GetRawText().Length)]}";
                switch (op)
                {
                    case "set":
                        peers[peer].SetLocalState(JsJson.Parse(step.GetProperty("state").GetString()!));
                        break;
                    case "advance":
                        time.Advance(step.GetProperty("ms").GetInt64());
                        break;
                    case "check":
                        peers[peer].CheckTimeouts();
                        break;
                    case "deliver":
                        var clients = step.GetProperty("clients").EnumerateArray().Select(c => c.GetInt64()).ToList();
                        var update = peers[peer].EncodeUpdate(clients);
                        Assert.True(step.GetProperty("update").GetString() == ToHex(update), where);
                        peers[step.GetProperty("to").GetInt64()].ApplyUpdate(update, "remote");
                        break;
                    case "remove":
                        peers[peer].RemoveStates(step.GetProperty("clients").EnumerateArray().Select(c => c.GetInt64()).ToList(), "host");
                        break;
                }
                var expectedEvents = step.GetProperty("events").EnumerateArray().Select(e =>
                    $"{e.GetProperty("peer").GetInt64()} {e.GetProperty("kind").GetString()} {Ids(e.GetProperty("added"))} {Ids(e.GetProperty("updated"))} {Ids(e.GetProperty("removed"))} {e.GetProperty("origin").GetString()}");
                Assert.True(string.Join('|', expectedEvents) == string.Join('|', events), $"{where}\nexpected {string.Join('|', expectedEvents)}\nactual   {string.Join('|', events)}");
                events.Clear();
                foreach (var snap in step.GetProperty("snapshot").EnumerateArray())
                {
                    var a = peers[snap.GetProperty("peer").GetInt64()];
                    Assert.True(snap.GetProperty("local").GetString() == JsJson.Stringify(a.LocalState), where);
                    var expectedStates = snap.GetProperty("states").EnumerateArray()
                        .Select(s => $"{s[0].GetInt64()}={s[1].GetString()}").Order(StringComparer.Ordinal);
                    var actualStates = a.GetStates().Select(kv => $"{kv.Key}={JsJson.Stringify(kv.Value) ?? "undefined"}").Order(StringComparer.Ordinal);
                    Assert.True(string.Join(' ', expectedStates) == string.Join(' ', actualStates), $"{where}\nstates {string.Join(' ', expectedStates)} vs {string.Join(' ', actualStates)}");
                    var expectedMeta = snap.GetProperty("meta").EnumerateArray()
                        .Select(m => $"{m[0].GetInt64()}:{m[1].GetInt64()}@{m[2].GetInt64()}").Order(StringComparer.Ordinal);
                    var actualMeta = a.Meta.Select(kv => $"{kv.Key}:{kv.Value.Clock}@{kv.Value.LastUpdated - start}").Order(StringComparer.Ordinal);
                    Assert.True(string.Join(' ', expectedMeta) == string.Join(' ', actualMeta), $"{where}\nmeta {string.Join(' ', expectedMeta)} vs {string.Join(' ', actualMeta)}");
                }
                steps++;
            }
        }
        Assert.True(steps >= 500);
    }

    private static string ScenarioPath([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "golden", "awareness-scenarios.json");

    private static string Ids(JsonElement array) => "[" + string.Join(',', array.EnumerateArray().Select(x => x.GetInt64())) + "]";

    private static string Event(long peer, string kind, AwarenessChangeEventArgs e) =>
        $"{peer} {kind} [{string.Join(',', e.Added)}] [{string.Join(',', e.Updated)}] [{string.Join(',', e.Removed)}] {e.Origin}";

    [CrdtProperty(200, RandomInCi = true)]
    public FsCheck.Property Peers_converge_whatever_the_delivery_order()
    {
        // Ops: (kind, peer, arg). Messages are captured when produced and delivered later in any
        // order, possibly twice or never; a final exchange of every peer's own entry must make
        // every view agree with every owner.
        var op = Gen.Choose(0, 3).Zip(Gen.Choose(0, 2)).Zip(Gen.Choose(0, 1000));
        return Prop.ForAll(op.ListOf().ToArbitrary(), ops =>
        {
            var time = new FakeTimeProvider();
            var peers = Enumerable.Range(1, 3).Select(i => new Awareness(i, time)).ToArray();
            foreach (var peer in peers)
            {
                // The constructor's {} has clock 0, which no peer accepts (0 < 0): y-protocols
                // behaves the same, and providers always set a real state before it matters.
                peer.SetLocalState(Obj());
            }
            var inFlight = new List<(int To, byte[] Update)>();
            foreach (var ((kind, who), arg) in ops)
            {
                var a = peers[who];
                switch (kind)
                {
                    case 0:
                        a.SetLocalState(arg % 5 == 0 ? null : Obj(("v", (long)(arg % 7))));
                        inFlight.Add(((who + 1 + (arg % 2)) % 3, a.EncodeUpdate([a.ClientId])));
                        break;
                    case 1:
                        inFlight.Add(((who + 1 + (arg % 2)) % 3, a.EncodeUpdate(a.Meta.Keys.ToList())));
                        break;
                    case 2 when inFlight.Count > 0:
                        var (to, update) = inFlight[arg % inFlight.Count];
                        if (arg % 3 != 0)
                        {
                            inFlight.RemoveAt(arg % inFlight.Count);
                        }
                        peers[to].ApplyUpdate(update, "r");
                        break;
                    case 3:
                        time.Advance(arg);
                        break;
                }
            }
            foreach (var owner in peers)
            {
                var own = owner.EncodeUpdate([owner.ClientId]);
                foreach (var other in peers)
                {
                    other.ApplyUpdate(own, "final");
                }
            }
            foreach (var owner in peers)
            {
                foreach (var other in peers)
                {
                    if (other.Meta[owner.ClientId].Clock != owner.Meta[owner.ClientId].Clock
                        || JsJson.Stringify(other.GetStates().GetValueOrDefault(owner.ClientId)) != JsJson.Stringify(owner.LocalState))
                    {
                        return false;
                    }
                }
            }
            return true;
        });
    }
}
