using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Benchmarks.Traces;

/// <summary>
/// The four operations every scenario times, shared by the BenchmarkDotNet classes, the
/// <c>compare</c> and <c>memory</c> modes and the gate, and shaped like the peers' adapters in
/// <c>benchmarks/peers/engines.mjs</c>: the local replay uses client 1, receivers use client 2,
/// text root <c>"text"</c>, one transaction per trace transaction, delete before insert.
/// </summary>
public static class TraceReplay
{
    public const string RootName = "text";

    /// <summary>Applies every patch as a local edit to a fresh document, one transaction per trace transaction.</summary>
    public static YDoc Local(EditingTrace trace, EventHandler<YUpdateEventArgs>? onUpdate = null)
    {
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        if (onUpdate is not null)
        {
            doc.UpdateV1 += onUpdate;
        }

        var body = new TxnBody(doc.GetText(RootName), trace.Patches);
        Action<YTransaction> run = body.Run;
        var from = 0;
        foreach (var end in trace.TxnEnds)
        {
            body.From = from;
            body.To = end;
            doc.Transact(run);
            from = end;
        }

        return doc;
    }

    /// <summary>Replays the trace locally and returns the V1 update of every transaction, in order.</summary>
    public static List<byte[]> Capture(EditingTrace trace)
    {
        var updates = new List<byte[]>(trace.Transactions);
        var doc = Local(trace, (_, e) => updates.Add(e.Update));
        Expect(doc, trace, "capture");
        return updates;
    }

    /// <summary>A fresh document that has applied one update.</summary>
    public static YDoc Load(byte[] update)
    {
        var doc = new YDoc(new YDocOptions { ClientId = 2 });
        doc.GetText(RootName);
        doc.ApplyUpdate(update);
        return doc;
    }

    /// <summary>A fresh document that has applied one update in format V2.</summary>
    public static YDoc LoadV2(byte[] update)
    {
        var doc = new YDoc(new YDocOptions { ClientId = 2 });
        doc.GetText(RootName);
        doc.ApplyUpdateV2(update);
        return doc;
    }

    /// <summary>A fresh document that has applied the updates in order.</summary>
    public static YDoc ApplyAll(List<byte[]> updates)
    {
        var doc = new YDoc(new YDocOptions { ClientId = 2 });
        doc.GetText(RootName);
        foreach (var u in updates)
        {
            doc.ApplyUpdate(u);
        }

        return doc;
    }

    /// <summary>Throws unless the document's text is the trace's final text; never called inside a timed region.</summary>
    public static void Expect(YDoc doc, EditingTrace trace, string what)
    {
        var actual = doc.GetText(RootName).ToString();
        if (!string.Equals(actual, trace.EndContent, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"{trace.Name} {what}: final text differs from the trace's (length {actual.Length} vs {trace.EndContent.Length})");
        }
    }

    // One delegate for the whole replay instead of a closure per transaction, so the harness adds
    // no allocations of its own to the engine's.
    private sealed class TxnBody(YText text, TracePatch[] patches)
    {
        public int From;
        public int To;

        public void Run(YTransaction _)
        {
            for (var i = From; i < To; i++)
            {
                ref readonly var p = ref patches[i];
                if (p.Delete > 0)
                {
                    text.Delete(p.Position, p.Delete);
                }

                if (p.Insert.Length > 0)
                {
                    text.Insert(p.Position, p.Insert);
                }
            }
        }
    }
}
