using System.Buffers;
using System.Runtime.InteropServices;
using CrdtCollab.Crdt.Internal.Content;
using CrdtCollab.Crdt.Internal.Structs;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt.Internal;

/// <summary>
/// A full state (one client's items from clock 0, in clock order, in one root list) applied to
/// an empty document, in three sweeps instead of the general driver's per-struct look-ups.
///
/// The general path integrates such an update item by item in clock order. Each item's origin
/// then ends a struct and its right origin starts one (an insertion splits its neighbour once,
/// when it is made, and nothing can merge the halves while it sits between them), so nothing is
/// split; and nothing that came later in clock order lies between them yet, so every item links
/// directly between its origin and right origin, with no conflict scan. Deletions then mark
/// whole structs (a full state's delete set runs along struct boundaries), the clean-up
/// replaces the deleted content and merges neighbours. This does exactly that, cheaper: origins
/// are looked up as the previous struct or by a binary search over the run's clocks, right
/// origins are the origin's current right neighbour, the delete set is one sweep, and the
/// client's struct list is built in one go, and neighbours are merged in one sweep
/// (<see cref="TransactionState.LoadedInOneGo"/> tells the clean-up these passes are done).
///
/// Anything else — other clients, references between clients, GC or skip structs, nested
/// types, map entries, formatting, several roots, a struct that would have to be split, an item
/// that would not link directly, a delete range off the struct boundaries — makes it return
/// false before the document is touched; it may have changed the decoded structs, so the
/// caller decodes the update again for the general path.
/// </summary>
internal static class FullStateLoader
{
    /// <summary>Loads taken by this thread (tests check that the path they compare was taken).</summary>
    [ThreadStatic]
    internal static int LoadsOnThisThread;

    /// <summary>The checks that need no pass over the structs: an empty document, one run from clock 0.</summary>
    public static bool MayApply(StructStore store, List<StructRun> runs) =>
        runs.Count == 1
        && runs[0].Structs.Count > 0
        && runs[0].Structs[0].Clock == 0
        && store.Clients.Count == 0
        && store.Pending is null
        && store.PendingDeletes is null;

    /// <summary>
    /// Loads the run and the delete set into the (empty) store, as the general path would, in a
    /// transaction that holds nothing else; false, with the document untouched, when it does not apply.
    /// </summary>
    public static bool TryLoad(YTransaction transaction, StructStore store, StructRun run, DeleteSet ds)
    {
        var structs = run.Structs;
        int n = structs.Count;
        long client = run.Client;
        var doc = transaction.Doc;
        if (structs[0] is not Item { ParentName: { } rootName })
        {
            return false;
        }
        if (doc.TryGetRoot(rootName) is { } known && (known.Start is not null || known.LengthInternal != 0 || known.Map.Count != 0))
        {
            return false;
        }
        int[] starts = ArrayPool<int>.Shared.Rent(n);
        List<DeleteRange> deleted;
        try
        {
            if (!CheckItems(structs, client, rootName, starts) || !MarkDeletions(structs, starts, client, ds))
            {
                return false;
            }
            var root = doc.GetOrCreateRoot(rootName);
            if (!Link(structs, starts, root, doc.Gc, out var first, out int length, out deleted))
            {
                return false;
            }
            root.Start = first;
            root.LengthInternal = length;
            root.InvalidateMarker();
            transaction.AddChangedType(root);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(starts);
        }
        int count = MergeNeighbours(structs);
        store.AddLoadedClient(client, StructList.FromOrdered(CollectionsMarshal.AsSpan(structs)[..count]));
        if (deleted.Count > 0)
        {
            transaction.DeleteSet.Put(client, deleted);
        }
        transaction.State.LoadedInOneGo = true;
        LoadsOnThisThread++;
        return true;
    }

    /// <summary>
    /// Every struct an item of a kind without integration side effects, in the root list,
    /// referring only to its own client; deleted content marked deleted (as its integration
    /// would), clocks copied to <paramref name="starts"/>.
    /// </summary>
    private static bool CheckItems(List<StructBase> structs, long client, string rootName, int[] starts)
    {
        var span = CollectionsMarshal.AsSpan(structs);
        for (int i = 0; i < span.Length; i++)
        {
            if (span[i] is not Item item
                || item.ParentSub is not null
                || item.ParentId is not null
                || (item.ParentName is { } name && !string.Equals(name, rootName, StringComparison.Ordinal))
                || (item.Origin is { } o && o.Client != client)
                || (item.RightOrigin is { } ro && ro.Client != client))
            {
                return false;
            }
            var content = item.Content;
            if (content is ContentDeleted)
            {
                item.MarkDeleted();
            }
            else if (!IsPlainContent(content.Ref))
            {
                return false;
            }
            // The decoder limits clocks to int.MaxValue.
            starts[i] = (int)item.Clock;
        }
        return true;
    }

    // Formatting (text clean-up), types and subdocuments have side effects when integrated,
    // deleted or collected; these kinds have none.
    private static bool IsPlainContent(int contentRef) => contentRef is ItemContent.RefString or ItemContent.RefDeleted
        or ItemContent.RefAny or ItemContent.RefJson or ItemContent.RefBinary or ItemContent.RefEmbed;

    /// <summary>Marks the delete set's ranges deleted; they must cover whole structs of this client.</summary>
    private static bool MarkDeletions(List<StructBase> structs, int[] starts, long client, DeleteSet ds)
    {
        if (ds.IsEmpty)
        {
            return true;
        }
        var span = CollectionsMarshal.AsSpan(structs);
        int n = span.Length;
        long state = span[n - 1].End;
        foreach (var (c, ranges) in ds.Clients)
        {
            if (c != client)
            {
                return false;
            }
            int index = 0;
            foreach (var range in ranges)
            {
                if (range.Length <= 0 || range.End > state)
                {
                    return false;
                }
                // Ranges usually come sorted and close together: step on from the previous one.
                if (range.Clock < starts[index])
                {
                    index = 0;
                }
                for (int steps = 0; steps < 8 && index < n - 1 && starts[index + 1] <= range.Clock; steps++)
                {
                    index++;
                }
                if (starts[index] != range.Clock)
                {
                    index = IndexOfStart(starts, index, n, range.Clock);
                    if (index < 0)
                    {
                        return false;
                    }
                }
                long end = range.End;
                for (; index < n && starts[index] < end; index++)
                {
                    ((Item)span[index]).MarkDeleted();
                }
                if ((index < n ? starts[index] : state) != end)
                {
                    return false;
                }
                index = Math.Min(index, n - 1);
            }
        }
        return true;
    }

    /// <summary>The index in [from, to) of the struct starting exactly at <paramref name="clock"/>, or −1.</summary>
    private static int IndexOfStart(int[] starts, int from, int to, long clock)
    {
        int i = LastAtOrBefore(starts, from, to, clock);
        return i >= 0 && starts[i] == clock ? i : -1;
    }

    /// <summary>The last index in [from, to) whose start is at or before <paramref name="clock"/>, or −1.</summary>
    private static int LastAtOrBefore(int[] starts, int from, int to, long clock)
    {
        int lo = from;
        int hi = to - 1;
        int found = -1;
        while (lo <= hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (starts[mid] <= clock)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found;
    }

    /// <summary>
    /// Links every item between its origin and right origin in clock order, exactly where the
    /// general path would without a conflict scan; false (the root untouched) as soon as an
    /// item would need a split or a scan. On the way it collects deleted content (as the
    /// clean-up would; these kinds release nothing else) and records each maximal run of deleted
    /// structs, which is what the transaction's delete set holds after its sort-and-merge.
    /// </summary>
    private static bool Link(List<StructBase> structs, int[] starts, YType root, bool gc, out Item? first, out int length, out List<DeleteRange> deleted)
    {
        var span = CollectionsMarshal.AsSpan(structs);
        first = null;
        length = 0;
        deleted = [];
        Item? previous = null;
        for (int i = 0; i < span.Length; i++)
        {
            var item = (Item)span[i];
            Item? left = null;
            if (item.Origin is { } origin)
            {
                // A typing run's origin is the struct before it.
                left = previous is not null && previous.Clock + previous.Length - 1 == origin.Clock
                    ? previous
                    : ItemEndingAt(span, starts, i, origin.Clock);
                if (left is null)
                {
                    return false;
                }
            }
            // The general path links between left and right directly only when they are
            // neighbours: the right origin must start the struct right of the origin (or head
            // the list), or be absent at the list's end.
            var right = left is not null ? left.Right : first;
            if (item.RightOrigin is { } rightOrigin ? right is null || right.Clock != rightOrigin.Clock : right is not null)
            {
                return false;
            }
            item.Left = left;
            item.Right = right;
            item.Parent = root;
            if (left is not null)
            {
                left.Right = item;
            }
            else
            {
                first = item;
            }
            if (right is not null)
            {
                right.Left = item;
            }
            if (item.IsVisible)
            {
                length += item.Length;
            }
            else if (item.Deleted)
            {
                if (gc && item.Content is not ContentDeleted)
                {
                    item.Content = new ContentDeleted(item.Length);
                }
                if (deleted.Count > 0 && deleted[^1].End == item.Clock)
                {
                    CollectionsMarshal.AsSpan(deleted)[^1].Length += item.Length;
                }
                else
                {
                    deleted.Add(new DeleteRange(item.Clock, item.Length));
                }
            }
            previous = item;
        }
        return true;
    }

    /// <summary>The struct before index <paramref name="before"/> whose last unit is <paramref name="clock"/>, or null.</summary>
    private static Item? ItemEndingAt(Span<StructBase> span, int[] starts, int before, long clock)
    {
        int i = LastAtOrBefore(starts, 0, before, clock);
        return i >= 0 && span[i].Clock + span[i].Length - 1 == clock ? (Item)span[i] : null;
    }

    /// <summary>
    /// The clean-up's merge pass: every pair of neighbours in clock order that the merge rules
    /// allow becomes one struct. Which pairs merge does not depend on the order they are tried
    /// in (a merged struct keeps its left part's left side and its right part's right side), so
    /// one forward sweep gives the pass's result. The survivors are moved to the front; returns
    /// how many there are.
    /// </summary>
    private static int MergeNeighbours(List<StructBase> structs)
    {
        var span = CollectionsMarshal.AsSpan(structs);
        var kept = (Item)span[0];
        int count = 1;
        for (int i = 1; i < span.Length; i++)
        {
            var item = (Item)span[i];
            if (!kept.TryMergeWith(item))
            {
                span[count++] = item;
                kept = item;
            }
        }
        return count;
    }
}
