using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Internal.Structs;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt.Internal;

/// <summary>
/// The end of a transaction, in Yjs's normative order (§5.11): observers and text clean-up,
/// GC, the three merge passes, the client-id collision check, then the emitted update.
/// The merge passes decide store granularity, so their order matters for byte equality.
/// </summary>
internal static class TransactionCleanup
{
    public static void Run(YTransaction transaction)
    {
        var doc = transaction.Doc;
        var store = doc.Store;
        var ds = transaction.DeleteSet;
        ds.SortAndMerge();
        var changedClients = transaction.ChangedClients(doc.ScratchClients);
        transaction.ChangedClientsAtEnd = changedClients;
        bool needFormattingCleanup = false;
        if (!transaction.Local && transaction.ChangedTypes is { } changedTypes)
        {
            foreach (var type in changedTypes)
            {
                if (type is YText { HasFormatting: true } && type.ItemInternal is not { Deleted: true })
                {
                    needFormattingCleanup = true;
                    break;
                }
            }
        }
        try
        {
            if (doc.TracksChanges)
            {
                EventDispatcher.Dispatch(transaction);
            }
            if (needFormattingCleanup)
            {
                TextCleanup.AfterRemoteTransaction(transaction);
            }
        }
        finally
        {
            // A full state loaded in one go is collected and merged already (see FullStateLoader).
            bool loaded = transaction.State.LoadedInOneGo;
            if (!ds.IsEmpty && !loaded)
            {
                if (doc.Gc)
                {
                    CollectGarbage(ds, store);
                }
                MergeDeleteSet(ds, store);
            }
            if (transaction.StructsAppended && !loaded)
            {
                MergeNewStructs(changedClients, store);
            }
            if (transaction.HasMergeStructs)
            {
                MergeSplitParts(transaction, store);
            }
            if (!transaction.Local && ContainsClient(changedClients, doc.ClientId))
            {
                // Someone else is using our client id: continuing would corrupt documents.
                doc.ClientId = YDoc.NewClientId();
            }
            if (doc.HasUpdateObservers && (!ds.IsEmpty || changedClients.Count > 0))
            {
                doc.EmitUpdate(
                    transaction,
                    doc.HasUpdateV1Observers ? EncodeTransactionUpdate(transaction, changedClients) : null,
                    doc.HasUpdateV2Observers ? EncodeTransactionUpdateV2(transaction, changedClients) : null);
            }
        }
    }

    private static bool ContainsClient(List<KeyValuePair<long, long>> clients, long client)
    {
        foreach (var c in clients)
        {
            if (c.Key == client)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Every client that grew, from its state before, in descending client order; then the transaction's deletions.</summary>
    private static byte[] EncodeTransactionUpdate(YTransaction transaction, List<KeyValuePair<long, long>> changedClients)
    {
        using var writer = new Lib0Writer();
        if (changedClients.Count > 1)
        {
            changedClients = [.. changedClients];
            changedClients.Sort(static (a, b) => b.Key.CompareTo(a.Key));
        }
        writer.WriteVarUint(changedClients.Count);
        foreach (var (client, before) in changedClients)
        {
            UpdateEncoder.WriteClientStructs(writer, transaction.Doc.Store.Clients[client], client, before);
        }
        transaction.DeleteSet.Write(writer);
        return writer.ToArray();
    }

    /// <summary>As <see cref="EncodeTransactionUpdate"/>, in update format V2 (yjs's <c>updateV2</c> event).</summary>
    private static byte[] EncodeTransactionUpdateV2(YTransaction transaction, List<KeyValuePair<long, long>> changedClients)
    {
        if (changedClients.Count > 1)
        {
            changedClients = [.. changedClients];
            changedClients.Sort(static (a, b) => b.Key.CompareTo(a.Key));
        }
        using var encoder = new UpdateEncoderV2();
        foreach (var (client, before) in changedClients)
        {
            encoder.WriteClientStructs(transaction.Doc.Store.Clients[client], before);
        }
        return encoder.Finish(transaction.DeleteSet);
    }

    private static void CollectGarbage(DeleteSet ds, StructStore store)
    {
        foreach (var (client, ranges) in ds.Clients)
        {
            if (ranges.Count == 0)
            {
                continue;
            }
            var structs = store.GetClient(client);
            for (int di = ranges.Count - 1; di >= 0; di--)
            {
                var range = ranges[di];
                long end = range.End;
                for (int si = structs.FindIndex(range.Clock); si < structs.Count; si++)
                {
                    var s = structs[si];
                    if (s.Clock >= end)
                    {
                        break;
                    }
                    if (s is Item { Deleted: true, Keep: false } item)
                    {
                        ItemOps.Gc(store, item, parentCollected: false);
                    }
                }
            }
        }
    }

    private static void MergeDeleteSet(DeleteSet ds, StructStore store)
    {
        foreach (var (client, ranges) in ds.Clients)
        {
            if (ranges.Count == 0)
            {
                continue;
            }
            var structs = store.GetClient(client);
            for (int di = ranges.Count - 1; di >= 0; di--)
            {
                var range = ranges[di];
                int si = Math.Min(structs.Count - 1, 1 + structs.FindIndex(range.End - 1));
                while (si > 0 && structs[si].Clock >= range.Clock)
                {
                    si -= 1 + MergeWithLefts(structs, si);
                }
            }
        }
    }

    private static void MergeNewStructs(List<KeyValuePair<long, long>> changedClients, StructStore store)
    {
        foreach (var (client, before) in changedClients)
        {
            var structs = store.GetClient(client);
            int first = structs.FindIndex(before);
            if (structs[first].Clock < before)
            {
                // Typing extended the struct that holds `before` in place: Yjs's first new struct
                // is that extension, already merged into it, and Yjs's pass stops there.
                first++;
            }
            first = Math.Max(first, 1);
            for (int i = structs.Count - 1; i >= first;)
            {
                i -= 1 + MergeWithLefts(structs, i);
            }
        }
    }

    private static void MergeSplitParts(YTransaction transaction, StructStore store)
    {
        var parts = transaction.MergeStructs;
        for (int i = parts.Count - 1; i >= 0; i--)
        {
            var part = parts[i];
            var structs = store.GetClient(part.Client);
            int pos = structs.FindIndex(part.Clock);
            if (pos + 1 < structs.Count && MergeWithLefts(structs, pos + 1) > 1)
            {
                continue;
            }
            if (pos > 0)
            {
                MergeWithLefts(structs, pos);
            }
        }
    }

    /// <summary>Merges structs[pos] into its left neighbours while the rules allow; returns how many merged.</summary>
    public static int MergeWithLefts(StructList structs, int pos)
    {
        int i = pos;
        while (i > 0)
        {
            var left = structs[i - 1];
            var right = structs[i];
            bool merged = false;
            if (left.Deleted == right.Deleted)
            {
                if (left is GcStruct && right is GcStruct)
                {
                    left.Length += right.Length;
                    merged = true;
                }
                else if (left is Item li && right is Item ri && li.TryMergeWith(ri))
                {
                    if (ri.ParentSub is not null && ri.Parent is { } parent
                        && parent.Map.TryGetValue(ri.ParentSub, out var current) && ReferenceEquals(current, ri))
                    {
                        parent.Map[ri.ParentSub] = li;
                    }
                    merged = true;
                }
            }
            if (!merged)
            {
                break;
            }
            i--;
        }
        int count = pos - i;
        if (count > 0)
        {
            structs.RemoveRange(pos + 1 - count, count);
        }
        return count;
    }
}
