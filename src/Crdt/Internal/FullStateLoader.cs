using System.Runtime.CompilerServices;
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
/// whole structs (a full state's delete set runs along struct boundaries), and the clean-up
/// replaces the deleted content and merges neighbours. This does exactly that, cheaper: the
/// origin is the previous struct or found by a binary search over the run's clocks, the right
/// origin is the origin's current right neighbour, the delete set is applied in one sweep,
/// collection, deletion records and merges share one more sweep, and the client's struct list
/// is built chunk by chunk (<see cref="TransactionState.LoadedInOneGo"/> tells the clean-up
/// that its collection and merge passes are done).
///
/// Anything else — other clients, references between clients, GC or skip structs, nested
/// types, map entries, formatting, several roots, a struct that would have to be split, an item
/// that would not link directly, a delete range off the struct boundaries — makes it return
/// false before the document changes (beyond the root the general path creates first); it may
/// have changed the decoded structs, so the caller decodes the update again for the general path.
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
    /// transaction that holds nothing else; false when it does not apply, with nothing changed
    /// but the decoded structs and maybe the creation of the root the general path creates first.
    /// </summary>
    public static bool TryLoad(YTransaction transaction, StructStore store, StructRun run, DeleteSet ds)
    {
        var structs = CollectionsMarshal.AsSpan(run.Structs);
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
        int[] starts = ArrayPool<int>.Shared.Rent(structs.Length);
        try
        {
            // The general path's first step creates the root (the first item names it).
            var root = doc.GetOrCreateRoot(rootName);
            if (!Link(structs, client, root, starts, out var first) || !MarkDeletions(structs, starts, client, ds))
            {
                return false;
            }
            // A full state's delete set holds exactly the maximal runs of deleted structs.
            var deleted = new List<DeleteRange>(ds.IsEmpty ? 0 : ds.Clients.GetValueOrDefault(client)?.Count ?? 0);
            int count = Settle(structs, doc.Gc, deleted, out int length);
            root.Start = first;
            root.LengthInternal = length;
            root.InvalidateMarker();
            transaction.AddChangedType(root, null);
            store.AddLoadedClient(client, StructList.FromOrdered(structs[..count]));
            if (deleted.Count > 0)
            {
                transaction.DeleteSet.Put(client, deleted);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(starts);
        }
        transaction.State.LoadedInOneGo = true;
        LoadsOnThisThread++;
        return true;
    }

    /// <summary>
    /// Links every item between its origin and right origin in clock order, exactly where the
    /// general path would without a conflict scan, into a list only the decoded items know of
    /// yet; false as soon as a struct is not an item of a kind without integration side
    /// effects in <paramref name="root"/>'s list, refers to another client, or would need a
    /// split or a scan. Deleted content is marked deleted (as its integration would), clocks
    /// are copied to <paramref name="starts"/>.
    /// </summary>
    // Optimized from the first call: see "Cold loads" in ARCHITECTURE.md.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Link(Span<StructBase> structs, long client, YType root, int[] starts, out Item? first)
    {
        first = null;
        string rootName = root.RootName!;
        Item? previous = null;
        for (int i = 0; i < structs.Length; i++)
        {
            if (structs[i] is not Item item
                || item.ParentSub is not null
                || item.ParentId is not null
                || (item.ParentName is { } name && !string.Equals(name, rootName, StringComparison.Ordinal)))
            {
                return false;
            }
            var content = item.Content;
            if (content is ContentDeleted)
            {
                item.MarkDeleted();
            }
            else if (content is not ContentString && !IsPlainContent(content.Ref))
            {
                return false;
            }
            // The decoder limits clocks to int.MaxValue.
            starts[i] = (int)item.Clock;
            Item? left = null;
            if (item.Origin is { } origin)
            {
                if (origin.Client != client)
                {
                    return false;
                }
                // A typing run's origin is the struct before it.
                left = previous is not null && previous.Clock + previous.Length - 1 == origin.Clock
                    ? previous
                    : ItemEndingAt(structs, starts, i, origin.Clock);
                if (left is null)
                {
                    return false;
                }
            }
            // The general path links between left and right directly only when they are
            // neighbours: the right origin must start the struct right of the origin (or head
            // the list), or be absent at the list's end.
            var right = left is not null ? left.Right : first;
            if (item.RightOrigin is { } rightOrigin
                ? rightOrigin.Client != client || right is null || right.Clock != rightOrigin.Clock
                : right is not null)
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
            previous = item;
        }
        return true;
    }

    // Formatting (text clean-up), types and subdocuments have side effects when integrated,
    // deleted or collected; these kinds have none.
    private static bool IsPlainContent(int contentRef) => contentRef is ItemContent.RefString or ItemContent.RefDeleted
        or ItemContent.RefAny or ItemContent.RefJson or ItemContent.RefBinary or ItemContent.RefEmbed;

    /// <summary>Marks the delete set's ranges deleted; they must cover whole structs of this client.</summary>
    // Optimized from the first call: see "Cold loads" in ARCHITECTURE.md.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool MarkDeletions(Span<StructBase> span, int[] starts, long client, DeleteSet ds)
    {
        if (ds.IsEmpty)
        {
            return true;
        }
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

    /// <summary>The struct before index <paramref name="before"/> whose last unit is <paramref name="clock"/>, or null.</summary>
    private static Item? ItemEndingAt(Span<StructBase> span, int[] starts, int before, long clock)
    {
        int i = LastAtOrBefore(starts, 0, before, clock);
        return i >= 0 && span[i].Clock + span[i].Length - 1 == clock ? (Item)span[i] : null;
    }

    /// <summary>
    /// What the clean-up would do with the linked, marked items, in one sweep: deleted content
    /// is collected (these kinds release nothing else), each maximal run of deleted structs is
    /// recorded (the transaction's delete set after its sort-and-merge), the visible length is
    /// summed, and every pair of neighbours the merge rules allow becomes one struct. Which pairs
    /// merge does not depend on the order they are tried in (a merged struct keeps its left
    /// part's left side and its right part's right side), so one forward sweep gives the merge
    /// pass's result. The surviving structs are moved to the front; returns how many there are.
    /// </summary>
    // Optimized from the first call: see "Cold loads" in ARCHITECTURE.md.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Settle(Span<StructBase> structs, bool gc, List<DeleteRange> deleted, out int length)
    {
        length = 0;
        Item? kept = null;
        int count = 0;
        foreach (var s in structs)
        {
            var item = (Item)s;
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
            if (kept is null || !kept.TryMergeWith(item))
            {
                structs[count++] = item;
                kept = item;
            }
        }
        return count;
    }
}
