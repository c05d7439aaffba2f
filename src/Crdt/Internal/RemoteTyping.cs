using CrdtCollab.Crdt.Internal.Content;
using CrdtCollab.Crdt.Internal.Structs;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt.Internal;

/// <summary>
/// A peer typing: its next keystroke arrives as an item that continues its own newest item
/// (origin = that item's last unit, same right origin, nothing between them). Yjs links the new
/// item and merges it into its left neighbour when the transaction ends; appending its text to
/// the neighbour directly gives that same store without an item to link, store and merge away
/// (the local editing path does the same, see <c>YText.TryExtendInPlace</c>). Should anything
/// later in the transaction need the boundary (a deletion, a conflicting insert), splitting the
/// grown item there recreates exactly the item Yjs has: same id, origin, right origin, parent.
/// </summary>
internal static class RemoteTyping
{
    /// <summary>
    /// Appends <paramref name="item"/> (resolved by <see cref="ItemOps.GetMissing"/>, not yet
    /// integrated, starting at its client's state) to its left neighbour when Yjs would link it
    /// right after it without a conflict and then merge the two; false, touching nothing, otherwise.
    /// </summary>
    public static bool TryAppendInPlace(YTransaction transaction, StructStore store, Item item)
    {
        // Observers read the items as yjs has them before its clean-up merges (a new item).
        if (transaction.Doc.TracksChanges
            || item.Left is not { } left
            || item.Content is not ContentString text
            || left.Content is not ContentString leftText
            || item.Parent is not YText { ContainsFormats: false } parent
            || !ReferenceEquals(left.Parent, parent)
            || parent.ItemInternal is { Deleted: true }
            || item.ParentSub is not null || left.ParentSub is not null
            || left.Deleted || left.Keep || left.HasRedone
            || left.Client != item.Client
            || left.Clock + left.Length != item.Clock
            || item.Origin != left.LastId
            || item.RightOrigin != left.RightOrigin
            || !ReferenceEquals(left.Right, item.Right)
            || !ReferenceEquals(store.GetClient(item.Client).Last, left))
        {
            return false;
        }
        // What ItemOps.Link would have done for the item, then what the merge would have done.
        transaction.NoteAppend(item.Client, item.Clock);
        parent.LengthInternal += item.Length;
        parent.InvalidateMarker();
        transaction.AddChangedType(parent, null);
        leftText.Append(text.Span);
        left.Length += item.Length;
        return true;
    }
}
