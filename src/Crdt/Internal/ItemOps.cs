using CrdtCollab.Crdt.Internal.Content;
using CrdtCollab.Crdt.Internal.Structs;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt.Internal;

/// <summary>
/// Splitting, dependency resolution and integration of structs (YATA as Yjs implements it).
/// These rules decide store granularity and item order, so they follow Yjs step by step.
/// </summary>
internal static class ItemOps
{
    /// <summary>Splits <paramref name="left"/> at <paramref name="diff"/> and returns the right part (not yet in the store).</summary>
    public static Item Split(YTransaction transaction, Item left, int diff)
    {
        var right = new Item(
            left.Client,
            left.Clock + diff,
            left,
            new Id(left.Client, left.Clock + diff - 1),
            left.Right,
            left.RightOrigin,
            left.Parent,
            left.ParentSub,
            left.Content.Splice(diff));
        if (left.Deleted)
        {
            right.MarkDeleted();
        }
        if (left.Keep)
        {
            right.Keep = true;
        }
        if (left.HasRedone)
        {
            var store = transaction.Doc.Store;
            var redone = store.GetRedone(left);
            store.SetRedone(right, new Id(redone.Client, redone.Clock + diff));
        }
        left.Right = right;
        if (right.Right is not null)
        {
            right.Right.Left = right;
        }
        transaction.MergeStructs.Add(right);
        if (right.ParentSub is not null && right.Right is null)
        {
            right.Parent!.Map[right.ParentSub] = right;
        }
        left.Length = diff;
        return right;
    }

    /// <summary>
    /// Returns the client of the first missing dependency, or null after resolving origin,
    /// right origin and parent (which may split neighbours or decide the item becomes GC).
    /// </summary>
    public static long? GetMissing(YTransaction transaction, StructStore store, Item item)
    {
        if (item.Origin is { } o && o.Client != item.Client && o.Clock >= store.GetState(o.Client))
        {
            return o.Client;
        }
        if (item.RightOrigin is { } ro && ro.Client != item.Client && ro.Clock >= store.GetState(ro.Client))
        {
            return ro.Client;
        }
        if (item.ParentId is { } pid && pid.Client != item.Client && pid.Clock >= store.GetState(pid.Client))
        {
            return pid.Client;
        }
        StructBase? left = null;
        StructBase? right = null;
        if (item.Origin is { } origin)
        {
            left = store.GetItemCleanEnd(transaction, origin);
            item.Left = left as Item;
            if (left is Item li)
            {
                item.Origin = li.LastId;
            }
        }
        if (item.RightOrigin is { } rightOrigin)
        {
            // Usually nothing was inserted between the origin and the right origin since the
            // item was created (always so when a full state loads in clock order): the origin's
            // neighbour then starts exactly at the right origin, and it is the struct the store
            // look-up would find there (one struct starts at a clock; no split needed).
            right = left is Item { Right: { } next } && next.Client == rightOrigin.Client && next.Clock == rightOrigin.Clock && !next.Collected
                ? next
                : store.GetItemCleanStart(transaction, rightOrigin);
            item.Right = right as Item;
            item.RightOrigin = right.Id;
        }
        if (left is GcStruct || right is GcStruct || OriginNoLongerEndsLeft(item, left))
        {
            item.Parent = null;
            item.ParentName = null;
            item.ParentId = null;
        }
        else if (item.ParentName is null && item.ParentId is null)
        {
            if (left is Item l)
            {
                item.Parent = l.Parent;
                item.ParentSub = l.ParentSub;
            }
            else if (right is Item r)
            {
                item.Parent = r.Parent;
                item.ParentSub = r.ParentSub;
            }
        }
        else if (item.ParentId is { } parentId)
        {
            var parentStruct = store.Find(parentId);
            item.Parent = parentStruct is Item { Content: ContentType ct } ? ct.Type : null;
        }
        else
        {
            item.Parent = transaction.Doc.GetOrCreateRoot(item.ParentName!);
        }
        return null;
    }

    /// <summary>
    /// Resolving the right origin can split the left neighbour again when a hostile item's
    /// right origin lies inside it, left of the origin; the item would then be linked where
    /// its origin does not point, and its re-encoding would place it elsewhere. Such an item
    /// is collected instead.
    /// </summary>
    private static bool OriginNoLongerEndsLeft(Item item, StructBase? left) =>
        left is Item l && item.Origin is { } o && (l.Client != o.Client || l.Clock + l.Length - 1 != o.Clock);

    /// <summary>
    /// Integrates an item (or turns it into GC when its parent is gone). <paramref name="offset"/>
    /// units are already known; <paramref name="redo"/> marks an undo manager's copy made here
    /// (see <c>UndoRedo.RedoItem</c>), trusted like yjs's.
    /// </summary>
    public static void Integrate(YTransaction transaction, Item item, int offset, bool redo = false)
    {
        var store = transaction.Doc.Store;
        if (offset > 0)
        {
            item.Clock += offset;
            var leftStruct = store.GetItemCleanEnd(transaction, new Id(item.Client, item.Clock - 1));
            item.Left = leftStruct as Item;
            item.Origin = leftStruct is Item li ? li.LastId : new Id(item.Client, item.Clock - 1);
            item.Content = item.Content.Splice(offset);
            item.Length -= offset;
            if (leftStruct is GcStruct)
            {
                item.Parent = null;
            }
            else if (leftStruct is Item own && (own.Parent != item.Parent || own.ParentSub != item.ParentSub))
            {
                // Only a hostile update gets here: the part we lack follows our own struct in
                // another parent. Re-encoded, the item's origin is that struct, so a receiver
                // would place it there: place it there too, or our state would not re-create us.
                item.Parent = own.Parent;
                item.ParentSub = own.ParentSub;
            }
        }
        var parent = item.Parent;
        if (parent is null)
        {
            store.Add(new GcStruct(item.Client, item.Clock, item.Length));
            return;
        }
        var right = item.Right;
        if ((item.Left is null && (right is null || right.Left is not null)) || (item.Left is not null && !ReferenceEquals(item.Left.Right, right)))
        {
            if (item.Left is { } l && right is not null && !IsRightOf(l, right)
                && !(ReferenceEquals(l, right) && (redo || l.Length > 1)))
            {
                // An honest peer's right origin is right of its origin (list order never
                // changes), or the first unit of the origin's own struct: yjs's undo redoes a run
                // between the copies of its neighbours, and when both were redone into one item
                // the run's origin is that item's last unit and its right origin the first; the
                // conflict scan then runs on from it, as yjs's does (our own redo always; from a
                // peer when those are two units). Otherwise the position would depend on
                // integration history and replicas could diverge, so the item is stored as
                // collected content instead.
                store.Add(new GcStruct(item.Client, item.Clock, item.Length));
                return;
            }
            item.Left = ResolveConflict(store, item, parent);
        }
        Link(transaction, store, item, parent);
    }

    /// <summary>Whether <paramref name="right"/> follows <paramref name="left"/> in its list (walks right from left).</summary>
    private static bool IsRightOf(Item left, Item right)
    {
        for (var o = left.Right; o is not null; o = o.Right)
        {
            if (ReferenceEquals(o, right))
            {
                return true;
            }
        }
        return false;
    }

    private static Item? ResolveConflict(StructStore store, Item item, YType parent)
    {
        Item? left = item.Left;
        Item? o;
        if (left is not null)
        {
            o = left.Right;
        }
        else if (item.ParentSub is not null)
        {
            o = parent.Map.GetValueOrDefault(item.ParentSub);
            while (o?.Left is not null)
            {
                o = o.Left;
            }
        }
        else
        {
            o = parent.Start;
        }
        // "passed" is everything scanned; "candidates" the conflicting items since the last chosen left.
        HashSet<Item>? passed = null;
        HashSet<Item>? candidates = null;
        while (o is not null && !ReferenceEquals(o, item.Right))
        {
            (passed ??= new HashSet<Item>(ReferenceEqualityComparer.Instance)).Add(o);
            (candidates ??= new HashSet<Item>(ReferenceEqualityComparer.Instance)).Add(o);
            if (item.Origin == o.Origin)
            {
                if (o.Client < item.Client)
                {
                    left = o;
                    candidates.Clear();
                }
                else if (item.RightOrigin == o.RightOrigin)
                {
                    // Identical anchors and o has the higher client: we belong before o.
                    break;
                }
            }
            else if (o.Origin is { } oo && store.Find(oo) is Item originItem && passed.Contains(originItem))
            {
                // o hangs off something we already passed: keep it together with its anchor.
                if (!candidates.Contains(originItem))
                {
                    left = o;
                    candidates.Clear();
                }
            }
            else
            {
                break;
            }
            o = o.Right;
        }
        return left;
    }

    private static void Link(YTransaction transaction, StructStore store, Item item, YType parent)
    {
        if (item.Left is { } left)
        {
            item.Right = left.Right;
            left.Right = item;
        }
        else
        {
            Item? r;
            if (item.ParentSub is not null)
            {
                r = parent.Map.GetValueOrDefault(item.ParentSub);
                while (r?.Left is not null)
                {
                    r = r.Left;
                }
            }
            else
            {
                r = parent.Start;
                parent.Start = item;
            }
            item.Right = r;
        }
        if (item.Right is not null)
        {
            item.Right.Left = item;
        }
        else if (item.ParentSub is not null)
        {
            // The new last item of a key chain is the current value; the previous one is overwritten.
            parent.Map[item.ParentSub] = item;
            item.Left?.Delete(transaction);
        }
        if (item.ParentSub is null && item.Countable && !item.Deleted)
        {
            parent.LengthInternal += item.Length;
        }
        parent.InvalidateMarker();
        store.Add(item);
        item.Content.Integrate(transaction, item);
        transaction.AddChangedType(parent, item.ParentSub);
        if ((parent.ItemInternal is { Deleted: true }) || (item.ParentSub is not null && item.Right is not null))
        {
            item.Delete(transaction);
        }
    }

    /// <summary>
    /// Releases a deleted item: its content becomes Deleted, or, inside a collected type
    /// (<paramref name="parentCollected"/>), the whole item becomes a GC struct.
    /// </summary>
    public static void Gc(StructStore store, Item item, bool parentCollected)
    {
        item.Content.Gc(store);
        if (parentCollected)
        {
            item.MarkCollected();
            store.Replace(item, new GcStruct(item.Client, item.Clock, item.Length));
        }
        else if (item.Content is not ContentDeleted)
        {
            item.Content = new ContentDeleted(item.Length);
        }
    }
}
