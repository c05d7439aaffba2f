using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Content;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Types;

/// <summary>List editing shared by arrays and XML fragments (how Yjs chooses origins, §5.8).</summary>
internal static class ListOps
{
    /// <summary>Inserts values at a visible index; the new content goes before deleted items that follow its left neighbour.</summary>
    public static void Insert(YTransaction transaction, YType parent, int index, IReadOnlyList<object?> values)
    {
        YType.CheckRange(index, 0, parent.LengthInternal);
        Item? left = null;
        if (index > 0)
        {
            left = parent.FindItemAt(index - 1, out int start);
            int end = index - start;
            if (end < left.Length)
            {
                var structs = transaction.Doc.Store.Clients[left.Client];
                int at = structs.FindIndex(left.Clock);
                structs.Insert(at + 1, ItemOps.Split(transaction, left, end));
            }
        }
        var last = InsertAfter(transaction, parent, left, values);
        if (last is not null && last.IsVisible)
        {
            parent.SetMarker(last, index + CountVisible(values) - last.Length);
        }
    }

    /// <summary>Appends after the very last item of the list, deleted or not (Yjs <c>push</c>).</summary>
    public static void Push(YTransaction transaction, YType parent, IReadOnlyList<object?> values)
    {
        var n = parent.Start;
        while (n?.Right is not null)
        {
            n = n.Right;
        }
        InsertAfter(transaction, parent, n, values);
    }

    private static int CountVisible(IReadOnlyList<object?> values) => values.Count;

    /// <summary>Packs consecutive plain values into one Any item; binaries, subdocuments and types get their own items.</summary>
    public static Item? InsertAfter(YTransaction transaction, YType parent, Item? reference, IReadOnlyList<object?> values)
    {
        var doc = transaction.Doc;
        Item? left = reference;
        Item? right = reference is null ? parent.Start : reference.Right;
        List<object?>? pack = null;
        void Flush()
        {
            if (pack is { Count: > 0 })
            {
                left = NewItem(transaction, doc, parent, left, right, null, new ContentAny(pack));
                pack = null;
            }
        }
        foreach (var value in values)
        {
            var content = ValueContent.ForListValue(value);
            if (content is null)
            {
                (pack ??= []).Add(ValueContent.NormalizePlain(value));
                continue;
            }
            Flush();
            left = NewItem(transaction, doc, parent, left, right, null, content);
        }
        Flush();
        return left;
    }

    public static Item NewItem(YTransaction transaction, YDoc doc, YType parent, Item? left, Item? right, string? parentSub, ItemContent content)
    {
        long client = doc.ClientId;
        var item = new Item(client, doc.Store.GetState(client), left, left?.LastId, right, right?.Id, parent, parentSub, content);
        ItemOps.Integrate(transaction, item, 0);
        return item;
    }

    /// <summary>Deletes <paramref name="length"/> visible units from <paramref name="index"/>.</summary>
    public static void Delete(YTransaction transaction, YType parent, int index, int length)
    {
        YType.CheckRange(index, length, parent.LengthInternal);
        if (length == 0)
        {
            return;
        }
        parent.KeepMarkers();
        bool done = false;
        try
        {
            DeleteVisible(transaction, parent, index, length);
            done = true;
        }
        finally
        {
            parent.ReleaseMarkers(accounted: done);
        }
    }

    private static void DeleteVisible(YTransaction transaction, YType parent, int index, int length)
    {
        var store = transaction.Doc.Store;
        var n = parent.FindItemAt(index, out int start);
        if (length == 1 && EdgeDelete.TryAt(transaction, parent, n, index - start) is { } holder)
        {
            parent.ShiftMarkersForDelete(index, 1);
            parent.SetMarker(holder, index);
            return;
        }
        if (index > start)
        {
            n = (Item)store.GetItemCleanStart(transaction, new Id(n.Client, n.Clock + (index - start)));
        }
        var first = n;
        int remaining = length;
        while (remaining > 0 && n is not null)
        {
            if (!n.Deleted)
            {
                if (remaining < n.Length)
                {
                    store.GetItemCleanStart(transaction, new Id(n.Client, n.Clock + remaining));
                }
                if (n.Countable)
                {
                    remaining -= n.Length;
                }
                n.Delete(transaction);
            }
            n = n.Right;
        }
        parent.ShiftMarkersForDelete(index, length);
        parent.SetMarker(first, index);
    }
}
