using CrdtCollab.Crdt.Internal.Content;
using CrdtCollab.Crdt.Internal.Structs;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt.Internal;

/// <summary>
/// The store operations behind <see cref="UndoManager"/>, as yjs has them: iterating the structs
/// of a delete set (splitting at its edges), keeping deleted items from garbage collection,
/// following an item to the copy that redid it, and redoing an item (a copy with our client id
/// at its old place, or under the copy of its parent).
/// </summary>
internal static class UndoRedo
{
    /// <summary>A sorted, merged copy (stack items outlive the transaction whose delete set the document reuses).</summary>
    public static DeleteSet Copy(DeleteSet ds) => Merge(ds, null);

    /// <summary>yjs's <c>mergeDeleteSets</c>: clients in order of first appearance, ranges sorted and merged.</summary>
    public static DeleteSet Merge(DeleteSet a, DeleteSet? b)
    {
        var merged = new DeleteSet();
        foreach (var (client, ranges) in a.Clients)
        {
            foreach (var r in ranges)
            {
                merged.Add(client, r.Clock, r.Length);
            }
        }
        if (b is not null)
        {
            foreach (var (client, ranges) in b.Clients)
            {
                foreach (var r in ranges)
                {
                    merged.Add(client, r.Clock, r.Length);
                }
            }
        }
        merged.SortAndMerge();
        return merged;
    }

    /// <summary>Calls <paramref name="f"/> for every struct in the ranges of <paramref name="ds"/>, splitting items at the range edges.</summary>
    public static void IterateDeletedStructs(YTransaction transaction, DeleteSet ds, Action<StructBase> f)
    {
        var store = transaction.Doc.Store;
        foreach (var (client, ranges) in ds.Clients.ToList())
        {
            if (store.TryGetClient(client) is not { } structs)
            {
                continue;
            }
            foreach (var range in ranges.ToList())
            {
                if (range.Length == 0)
                {
                    continue;
                }
                long end = range.End;
                int index = FindIndexCleanStart(transaction, structs, range.Clock);
                StructBase s;
                do
                {
                    s = structs[index++];
                    if (end < s.Clock + s.Length)
                    {
                        FindIndexCleanStart(transaction, structs, end);
                    }
                    f(s);
                }
                while (index < structs.Count && structs[index].Clock < end);
            }
        }
    }

    private static int FindIndexCleanStart(YTransaction transaction, StructList structs, long clock)
    {
        int index = structs.FindIndex(clock);
        if (structs[index] is Item item && item.Clock < clock)
        {
            structs.Insert(index + 1, ItemOps.Split(transaction, item, (int)(clock - item.Clock)));
            return index + 1;
        }
        return index;
    }

    /// <summary>yjs's <c>keepItem</c>: marks the item and its ancestors' items.</summary>
    public static void KeepItem(Item? item, bool keep)
    {
        while (item is not null && item.Keep != keep)
        {
            item.Keep = keep;
            item = item.Parent?.ItemInternal;
        }
    }

    /// <summary>yjs's <c>isParentOf</c>: whether <paramref name="child"/> lies (at any depth) inside <paramref name="parent"/>.</summary>
    public static bool IsParentOf(YType parent, Item? child)
    {
        while (child is not null)
        {
            if (ReferenceEquals(child.Parent, parent))
            {
                return true;
            }
            child = child.Parent?.ItemInternal;
        }
        return false;
    }

    /// <summary>yjs's <c>followRedone</c>: the struct holding the newest copy of <paramref name="id"/>, and the offset in it.</summary>
    public static (StructBase Struct, long Diff) FollowRedone(StructStore store, Id id)
    {
        Id? next = id;
        long diff = 0;
        StructBase s;
        do
        {
            var at = next!.Value;
            if (diff > 0)
            {
                at = new Id(at.Client, at.Clock + diff);
            }
            s = store.Find(at);
            diff = at.Clock - s.Clock;
            next = s is Item { HasRedone: true } item ? store.GetRedone(item) : null;
        }
        while (next is not null && s is Item);
        return (s, diff);
    }

    private static Item? CleanStart(YTransaction transaction, Id id) => transaction.Doc.Store.GetItemCleanStart(transaction, id) as Item;

    /// <summary>yjs's <c>redoItem</c>: re-creates a deleted item (after its parent, if that must be redone too); null when it cannot be.</summary>
    public static StructBase? RedoItem(YTransaction transaction, Item item, HashSet<Item> redoItems, DeleteSet itemsToDelete, bool ignoreRemoteMapChanges, UndoManager um)
    {
        var doc = transaction.Doc;
        var store = doc.Store;
        if (item.HasRedone)
        {
            return store.GetItemCleanStart(transaction, store.GetRedone(item));
        }
        var parentItem = item.Parent!.ItemInternal;
        if (parentItem is { Deleted: true })
        {
            if (!parentItem.HasRedone && (!redoItems.Contains(parentItem) || RedoItem(transaction, parentItem, redoItems, itemsToDelete, ignoreRemoteMapChanges, um) is null))
            {
                return null;
            }
            while (parentItem is { HasRedone: true })
            {
                parentItem = CleanStart(transaction, store.GetRedone(parentItem));
            }
        }
        var parentType = parentItem is null ? item.Parent! : ((ContentType)parentItem.Content).Type;
        Item? left;
        Item? right;
        if (item.ParentSub is null)
        {
            left = item.Left;
            right = item;
            while (left is not null)
            {
                var trace = left;
                while (trace is not null && !ReferenceEquals(trace.Parent?.ItemInternal, parentItem))
                {
                    trace = trace.HasRedone ? CleanStart(transaction, store.GetRedone(trace)) : null;
                }
                if (trace is not null && ReferenceEquals(trace.Parent?.ItemInternal, parentItem))
                {
                    left = trace;
                    break;
                }
                left = left.Left;
            }
            while (right is not null)
            {
                var trace = right;
                while (trace is not null && !ReferenceEquals(trace.Parent?.ItemInternal, parentItem))
                {
                    trace = trace.HasRedone ? CleanStart(transaction, store.GetRedone(trace)) : null;
                }
                if (trace is not null && ReferenceEquals(trace.Parent?.ItemInternal, parentItem))
                {
                    right = trace;
                    break;
                }
                right = right.Right;
            }
        }
        else
        {
            right = null;
            if (item.Right is not null && !ignoreRemoteMapChanges)
            {
                left = item;
                while (left is not null && left.Right is { } r
                    && (r.HasRedone || itemsToDelete.IsDeleted(r.Id) || um.IsDeletedByAStack(r.Id)))
                {
                    left = r;
                    while (left is { HasRedone: true })
                    {
                        left = CleanStart(transaction, store.GetRedone(left));
                    }
                }
                if (left is { Right: not null })
                {
                    // A change from another client replaced the value since: do not overwrite it.
                    return null;
                }
            }
            else
            {
                left = parentType.Map.GetValueOrDefault(item.ParentSub);
            }
            if (left is not null && !ReferenceEquals(left.Parent?.ItemInternal, parentItem))
            {
                // A left neighbour under another parent would mislead the origin (yjs #757).
                left = parentType.Map.GetValueOrDefault(item.ParentSub);
            }
        }
        long client = doc.ClientId;
        long clock = store.GetState(client);
        var redone = new Item(client, clock, left, left?.LastId, right, right?.Id, parentType, item.ParentSub, item.Content.Copy());
        store.SetRedone(item, new Id(client, clock));
        KeepItem(redone, true);
        ItemOps.Integrate(transaction, redone, 0, redo: true);
        return redone;
    }
}
