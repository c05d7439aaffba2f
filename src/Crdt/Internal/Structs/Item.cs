using System.Runtime.CompilerServices;
using CrdtCollab.Crdt.Internal.Content;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt.Internal.Structs;

/// <summary>
/// A run of content units created by one client with consecutive clocks, linked into its
/// parent's list (or a map key's chain) by <see cref="Left"/>/<see cref="Right"/>.
/// Origins are the neighbours at creation time and never change (except by splitting, which
/// gives the right part the left part's last id as origin).
/// </summary>
internal sealed class Item : StructBase
{
    private const byte FlagDeleted = 1;
    private const byte FlagKeep = 2;

    private byte _flags;

    public Item(long client, long clock, Item? left, Id? origin, Item? right, Id? rightOrigin, YType? parent, string? parentSub, ItemContent content)
        : base(client, clock, content.Length)
    {
        Left = left;
        Origin = origin;
        Right = right;
        RightOrigin = rightOrigin;
        Parent = parent;
        ParentSub = parentSub;
        Content = content;
    }

    public Id? Origin;
    public Id? RightOrigin;
    public Item? Left;
    public Item? Right;

    /// <summary>The resolved parent type; null until resolved, or when the item must become GC.</summary>
    public YType? Parent;

    /// <summary>Parent as decoded: a root name (resolved at integration, so a rejected update creates no root).</summary>
    public string? ParentName;

    /// <summary>Parent as decoded: the id of the item that holds the parent type.</summary>
    public Id? ParentId;

    public string? ParentSub;
    public ItemContent Content;

    public override bool Deleted => (_flags & FlagDeleted) != 0;

    public bool Keep
    {
        get => (_flags & FlagKeep) != 0;
        set => _flags = value ? (byte)(_flags | FlagKeep) : (byte)(_flags & ~FlagKeep);
    }

    public bool Countable => Content.Countable;

    /// <summary>Counts toward the parent's visible length (countable list content, not deleted).</summary>
    public bool IsVisible
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _flags == 0 ? Content.Countable : (_flags & FlagDeleted) == 0 && Content.Countable;
    }

    public Id LastId => new(Client, Clock + Length - 1);

    public void MarkDeleted() => _flags |= FlagDeleted;

    /// <summary>Deletes this item (idempotent), recording the range in the transaction.</summary>
    public void Delete(YTransaction transaction)
    {
        if (Deleted)
        {
            return;
        }
        var parent = Parent!;
        if (Content.Countable && ParentSub is null)
        {
            parent.LengthInternal -= Length;
        }
        MarkDeleted();
        parent.InvalidateMarker();
        transaction.DeleteSet.Add(Client, Clock, Length);
        transaction.AddChangedType(parent);
        Content.Delete(transaction);
    }

    /// <summary>
    /// Merges <paramref name="right"/> into this item when the Yjs merge rules allow it
    /// (same flags, adjacent in the list and in clocks, right's origin is our last id,
    /// same right origin, mergeable content of the same kind).
    /// </summary>
    public bool TryMergeWith(Item right)
    {
        if (right.Origin is not { } ro || ro.Client != Client || ro.Clock != Clock + Length - 1
            || !ReferenceEquals(Right, right)
            || RightOrigin != right.RightOrigin
            || right.Client != Client || Clock + Length != right.Clock
            || Deleted != right.Deleted
            || Content.Ref != right.Content.Ref)
        {
            return false;
        }
        if (!Content.TryMerge(right.Content))
        {
            return false;
        }
        Parent?.OnItemMerged(this, right);
        if (right.Keep)
        {
            Keep = true;
        }
        Right = right.Right;
        if (Right is not null)
        {
            Right.Left = this;
        }
        Length += right.Length;
        return true;
    }

    public override string ToString() => $"Item{Id} len={Length}{(Deleted ? " deleted" : "")} ref={Content.Ref}";
}
