using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt.Internal;

/// <summary>
/// The observer phase of a transaction's clean-up, in yjs's order (<c>cleanupTransactions</c>):
/// one event per changed type that still exists, handed to that type's observers and queued for
/// each of its ancestors; then each ancestor's deep observers get its queue (targets still
/// existing, nearest first); then <see cref="YDoc.AfterTransaction"/>. Runs only while the
/// document has observers. A throwing handler does not stop the others (see <see cref="YDoc"/>).
/// </summary>
internal static class EventDispatcher
{
    public static void Dispatch(YTransaction transaction)
    {
        var doc = transaction.Doc;
        var state = transaction.State;
        var types = state.ChangedTypes;
        var parents = state.ChangedParentTypes;
        int count = types.Count;
        for (int i = 0; i < count; i++)
        {
            var type = types[i];
            if (type.ItemInternal is { Deleted: true })
            {
                continue;
            }
            var e = new YEvent(type, transaction, state.SubsOf(i));
            for (var t = type; ;)
            {
                if (!parents.TryGetValue(t, out var list))
                {
                    parents[t] = list = [];
                }
                list.Add(e);
                if (t.ItemInternal is not { } item || item.Parent is not { } parent)
                {
                    break;
                }
                t = parent;
            }
            foreach (var handler in type.Observers)
            {
                try
                {
                    handler(e, transaction);
                }
                catch (Exception ex)
                {
                    doc.ReportHandlerError(ex);
                }
            }
        }
        foreach (var (type, events) in parents)
        {
            var handlers = type.DeepObservers;
            if (handlers.Length == 0 || type.ItemInternal is { Deleted: true })
            {
                continue;
            }
            var live = new List<YEvent>(events.Count);
            foreach (var e in events)
            {
                if (e.Target.ItemInternal is not { Deleted: true })
                {
                    e.CurrentTarget = type;
                    live.Add(e);
                }
            }
            // Nearest first; a stable sort, as JavaScript's.
            var sorted = live.OrderBy(e => e.Path.Count).ToList();
            foreach (var handler in handlers)
            {
                try
                {
                    handler(sorted, transaction);
                }
                catch (Exception ex)
                {
                    doc.ReportHandlerError(ex);
                }
            }
        }
        doc.RaiseAfterTransaction(transaction);
    }
}
