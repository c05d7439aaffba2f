using CrdtCollab.Crdt.Internal.Content;
using CrdtCollab.Crdt.Internal.Structs;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt.Internal;

/// <summary>
/// Backspace and forward-delete of one unit at the edge of a text run, done in place.
/// <para>
/// Yjs deletes a unit by splitting it off its run (a new item), and its transaction clean-up
/// then merges that item into the deleted run beside it — the run the previous keystroke
/// deleted — which removes a struct from the store again. When the result is certain to be
/// that merge, this moves the boundary between the two runs by one unit instead: the same
/// items, ids, origins and delete set as Yjs ends the transaction with, without the split,
/// the store insertion and the store removal.
/// </para>
/// <para>
/// Only for garbage-collected documents (the deleted run already holds <see cref="ContentDeleted"/>,
/// as the clean-up would turn the new unit into), and only where the Yjs merge is certain: same
/// client, adjacent clocks, the deleted run's origin is the unit's id, equal right origins,
/// neither run kept. The clean-up's passes still run over the range and find nothing to do.
/// </para>
/// </summary>
internal static class EdgeDelete
{
    /// <summary>
    /// Deletes the unit at <paramref name="offset"/> of the visible text run <paramref name="run"/>
    /// in place when it is the run's last or first unit and Yjs would merge it into the deleted
    /// neighbour on that side; returns the item now holding the unit, or null (nothing changed).
    /// </summary>
    public static Item? TryAt(YTransaction transaction, YType parent, Item run, int offset)
    {
        // Observers read the items as yjs has them before its clean-up merges (a split-off unit).
        if (run.Deleted || run.Content is not ContentString || transaction.Doc.TracksChanges)
        {
            return null;
        }
        if (offset == run.Length - 1)
        {
            return TryLast(transaction, parent, run);
        }
        return offset == 0 && TryFirst(transaction, parent, run) ? run : null;
    }

    /// <summary>Deletes the last unit of <paramref name="run"/> into the deleted run on its right; returns the item now holding that unit.</summary>
    private static Item? TryLast(YTransaction transaction, YType parent, Item run)
    {
        if (run.Right is not { } deleted || !CanJoin(transaction, live: run, dead: deleted, run, deleted)
            || !deleted.OriginIs(run.Client, run.Clock + run.Length - 1)
            || !((ContentString)run.Content).TryDropLast())
        {
            return null;
        }
        var structs = transaction.Doc.Store.Clients[run.Client];
        int at = structs.FindIndex(deleted.Clock);
        run.Length--;
        deleted.Clock--;
        deleted.Length++;
        // The unit's id is the deleted run's id now; its origin is the unit's own origin.
        deleted.Origin = new Id(run.Client, deleted.Clock - 1);
        ((ContentDeleted)deleted.Content).Grow(1);
        structs.ClockChanged(at);
        Record(transaction, parent, run.Client, deleted.Clock);
        return deleted;
    }

    /// <summary>Deletes the first unit of <paramref name="run"/> into the deleted run on its left.</summary>
    private static bool TryFirst(YTransaction transaction, YType parent, Item run)
    {
        if (run.Left is not { } deleted || !CanJoin(transaction, live: run, dead: deleted, deleted, run)
            || !run.OriginIs(run.Client, deleted.Clock + deleted.Length - 1)
            || !((ContentString)run.Content).TryDropFirst())
        {
            return false;
        }
        var structs = transaction.Doc.Store.Clients[run.Client];
        int at = structs.FindIndex(run.Clock);
        long unit = run.Clock;
        // Yjs's split gives the rest of the run the removed unit's id as its origin.
        run.Origin = new Id(run.Client, unit);
        run.Clock++;
        run.Length--;
        deleted.Length++;
        ((ContentDeleted)deleted.Content).Grow(1);
        structs.ClockChanged(at);
        Record(transaction, parent, run.Client, unit);
        return true;
    }

    /// <summary>
    /// The checks both directions share: <paramref name="left"/> and <paramref name="right"/> (the
    /// same two items as <paramref name="live"/> and <paramref name="dead"/>, in list order) are
    /// neighbours in list and clock order with equal right origins; the live one is visible text,
    /// the dead one deleted and collected; neither is kept.
    /// </summary>
    private static bool CanJoin(YTransaction transaction, Item live, Item dead, Item left, Item right) =>
        transaction.Doc.Gc && left.Client == right.Client && left.Clock + left.Length == right.Clock
        && !left.Keep && !right.Keep && !left.HasRedone && !right.HasRedone && left.ParentSub is null && left.SameRightOrigin(right)
        && !live.Deleted && live.Content is ContentString
        && dead.Deleted && dead.Content is ContentDeleted && !dead.Collected;

    /// <summary>What <see cref="Item.Delete"/> records for one deleted visible unit.</summary>
    private static void Record(YTransaction transaction, YType parent, long client, long clock)
    {
        parent.LengthInternal--;
        transaction.DeleteSet.Add(client, clock, 1);
        transaction.AddChangedType(parent, null);
    }
}
