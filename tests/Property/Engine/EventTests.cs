using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Types;
using Xunit;

namespace CrdtCollab.Property.Tests.Engine;

/// <summary>
/// The event API beyond the differential suite (which compares event contents with yjs):
/// subscription lifetime, the documented behaviour of a throwing handler, the transaction
/// events' order, expiry of an event's lazily computed changes, and that a document without
/// observers does no bookkeeping for them.
/// </summary>
public sealed class EventTests
{
    [Fact]
    public void Disposing_or_unobserving_stops_the_handler()
    {
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        var text = doc.GetText("t");
        int plain = 0, deep = 0;
        var sub = text.Observe((_, _) => plain++);
        void Deep(IReadOnlyList<YEvent> events, YTransaction tr) => deep++;
        text.ObserveDeep(Deep);
        text.Insert(0, "a");
        sub.Dispose();
        sub.Dispose();
        text.Insert(0, "b");
        Assert.True(text.UnobserveDeep(Deep));
        Assert.False(text.UnobserveDeep(Deep));
        text.Insert(0, "c");
        Assert.Equal((1, 2), (plain, deep));
    }

    [Fact]
    public void Local_and_remote_changes_raise_the_same_event_with_origin_and_local_flag()
    {
        var a = new YDoc(new YDocOptions { ClientId = 1 });
        var b = new YDoc(new YDocOptions { ClientId = 2 });
        var seen = new List<(string Delta, object? Origin, bool Local)>();
        foreach (var d in new[] { a, b })
        {
            d.GetText("t").Observe((e, tr) => seen.Add((string.Join(",", e.Delta.Select(op => $"{op.Kind}:{op.Insert ?? op.Length}")), tr.Origin, tr.Local)));
        }

        a.UpdateV1 += (_, e) => b.ApplyUpdate(e.Update, "net");
        a.Transact(_ => a.GetText("t").Insert(0, "hi"), "me");
        Assert.Equal([("Insert:hi", (object?)"me", true), ("Insert:hi", "net", false)], seen);
    }

    [Fact]
    public void Map_keys_report_add_update_and_delete_with_old_values_and_deep_paths()
    {
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        var root = doc.GetMap("m");
        var inner = new YMap();
        root.Set("inner", inner);
        inner.Set("x", 1);
        var log = new List<string>();
        root.ObserveDeep((events, _) => log.AddRange(events.Select(e =>
            $"[{string.Join("/", e.Path)}] " + string.Join(" ", e.Keys.Select(k => $"{k.Key}:{k.Value.Action}:{k.Value.OldValue}")))));
        doc.Transact(_ =>
        {
            inner.Set("x", 2);
            inner.Set("y", 3);
            root.Set("z", true);
        });
        inner.Delete("x");
        Assert.Equal(["[] z:Add:", "[inner] x:Update:1 y:Add:", "[inner] x:Delete:2"], log);
    }

    [Fact]
    public void A_throwing_handler_stops_nothing_and_is_rethrown_after_the_transaction()
    {
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        var text = doc.GetText("t");
        int after = 0, updates = 0, second = 0;
        text.Observe((_, _) => throw new InvalidOperationException("first"));
        text.Observe((_, _) => second++);
        doc.AfterTransaction += (_, _) => after++;
        doc.UpdateV1 += (_, _) => updates++;
        var e = Assert.Throws<InvalidOperationException>(() => text.Insert(0, "a"));
        Assert.Equal("first", e.Message);
        Assert.Equal((1, 1, 1), (second, after, updates));
        Assert.Equal("a", text.ToString());

        // The document goes on working, and a remote update is applied whatever its handler does.
        doc.UpdateV1 += (_, _) => throw new ArgumentException("second");
        var other = new YDoc(new YDocOptions { ClientId = 2 });
        other.GetText("t").Insert(0, "b");
        var all = Assert.Throws<AggregateException>(() => doc.ApplyUpdate(other.EncodeStateAsUpdate()));
        Assert.Equal(2, all.InnerExceptions.Count);
        Assert.Equal(2, text.Length);
    }

    [Fact]
    public void Transaction_events_come_in_yjs_order()
    {
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        var order = new List<string>();
        doc.BeforeTransaction += (_, _) => order.Add("before");
        doc.GetArray("a").Observe((_, _) => order.Add("observe"));
        doc.GetArray("a").ObserveDeep((_, _) => order.Add("deep"));
        doc.AfterTransaction += (_, _) => order.Add("after");
        doc.UpdateV1 += (_, _) => order.Add("update");
        doc.AfterAllTransactions += (_, _) => order.Add("all");
        doc.GetArray("a").Push(1);
        Assert.Equal(["before", "observe", "deep", "after", "update", "all"], order);
    }

    [Fact]
    public void An_event_read_after_its_transaction_throws()
    {
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        YEvent? kept = null;
        doc.GetArray("a").Observe((e, _) => kept = e);
        doc.GetArray("a").Push(1);
        Assert.Throws<InvalidOperationException>(() => kept!.Delta);
        Assert.Throws<InvalidOperationException>(() => kept!.Keys);
    }

    [Fact]
    public void Without_observers_typing_allocates_nothing_for_events()
    {
        // The bookkeeping the events need (changed types and keys, events) happens only while
        // someone observes: a keystroke into an unobserved document allocates no more with the
        // event machinery than it did before it (typing in place allocates nothing at all).
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        var text = doc.GetText("t");
        for (int i = 0; i < 1000; i++)
        {
            text.Insert(text.Length, "x");
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            text.Insert(text.Length, "x");
        }

        long perKeystroke = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000;
        Assert.True(perKeystroke < 8, $"{perKeystroke} bytes per keystroke");

        // Observed, the same typing records events (and allocates for them).
        var sub = text.Observe((_, _) => { });
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            text.Insert(text.Length, "x");
        }

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before > 100 * 8);
        sub.Dispose();
    }

    [Fact]
    public void A_preliminary_type_observed_before_insertion_reports_once_integrated()
    {
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        var inner = new YArray();
        var deltas = new List<int>();
        inner.Observe((e, _) => deltas.Add(e.Delta.Count));
        doc.GetMap("m").Set("a", inner);
        inner.Push(1, 2);
        Assert.Equal([1], deltas);
    }
}
