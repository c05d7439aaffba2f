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

    // Set while the content does not count toward the parent's length. Kept beside the deleted
    // flag so that list walks (position look-ups step over many items) decide visibility from
    // the item alone, without loading its content object.
    private const byte FlagUncountable = 4;

    // Set when the item was replaced in the store by a GC struct (its parent type was
    // collected): its neighbours may still link to it, but look-ups must not trust the link.
    private const byte FlagCollected = 8;

    // Set when an undo manager re-created this item's content elsewhere (yjs's item.redone);
    // the id of the copy lives in StructStore.Redone, so items pay one bit for it, not 24 bytes.
    private const byte FlagRedone = 16;

    public bool HasRedone => (Flags & FlagRedone) != 0;

    public void MarkRedone() => Flags |= FlagRedone;

    public Item(long client, long clock, Item? left, Id? origin, Item? right, Id? rightOrigin, YType? parent, string? parentSub, ItemContent content)
        : base(client, clock, content.Length)
    {
        Left = left;
        Origin = origin;
        Right = right;
        RightOrigin = rightOrigin;
        Parent = parent;
        ParentSub = parentSub;
        _content = content;
        if (!content.Countable)
        {
            Flags = FlagUncountable;
        }
    }

    // Origins are stored as two longs with client −1 for "none": a nullable Id would take
    // 24 bytes each, and there is one item per run of typed text.
    private long _originClient = -1;
    private long _originClock;
    private long _rightOriginClient = -1;
    private long _rightOriginClock;

    public Id? Origin
    {
        get => _originClient < 0 ? null : new Id(_originClient, _originClock);
        set
        {
            _originClient = value?.Client ?? -1;
            _originClock = value?.Clock ?? 0;
        }
    }

    public Id? RightOrigin
    {
        get => _rightOriginClient < 0 ? null : new Id(_rightOriginClient, _rightOriginClock);
        set
        {
            _rightOriginClient = value?.Client ?? -1;
            _rightOriginClock = value?.Clock ?? 0;
        }
    }

    public bool OriginIs(long client, long clock) => _originClient == client && _originClock == clock;

    public bool SameRightOrigin(Item other) =>
        _rightOriginClient == other._rightOriginClient && (_rightOriginClient < 0 || _rightOriginClock == other._rightOriginClock);

    public Item? Left;
    public Item? Right;

    /// <summary>The resolved parent type; null until resolved, or when the item must become GC.</summary>
    public YType? Parent;

    // As decoded, before integration: a root name (resolved then, so a rejected update creates
    // no root) or the boxed id of the item that holds the parent type.
    private object? _decodedParent;

    public string? ParentName
    {
        get => _decodedParent as string;
        set => _decodedParent = value ?? (_decodedParent is string ? null : _decodedParent);
    }

    public Id? ParentId
    {
        get => _decodedParent is Id id ? id : null;
        set => _decodedParent = value is { } id ? id : (_decodedParent is Id ? null : _decodedParent);
    }

    public string? ParentSub;

    private ItemContent _content;

    public ItemContent Content
    {
        get => _content;
        set
        {
            _content = value;
            Flags = value.Countable ? (byte)(Flags & ~FlagUncountable) : (byte)(Flags | FlagUncountable);
        }
    }

    public override bool Deleted => (Flags & FlagDeleted) != 0;

    public bool Keep
    {
        get => (Flags & FlagKeep) != 0;
        set => Flags = value ? (byte)(Flags | FlagKeep) : (byte)(Flags & ~FlagKeep);
    }

    public bool Countable => (Flags & FlagUncountable) == 0;

    /// <summary>Counts toward the parent's visible length (countable list content, not deleted).</summary>
    public bool IsVisible
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (Flags & (FlagDeleted | FlagUncountable)) == 0;
    }

    /// <summary>
    /// Makes a decoded item that was consumed without being linked (see <c>DecodeBuffers</c>) a
    /// fresh decoded item: every field as the constructor and the decoder set them.
    /// </summary>
    public void Reinitialize(long client, long clock, Id? origin, Id? rightOrigin, string? parentSub, ItemContent content)
    {
        Client = client;
        Clock = clock;
        Length = content.Length;
        Flags = 0;
        Left = null;
        Right = null;
        Origin = origin;
        RightOrigin = rightOrigin;
        Parent = null;
        _decodedParent = null;
        ParentSub = parentSub;
        Content = content;
    }

    public Id LastId => new(Client, Clock + Length - 1);

    public void MarkDeleted() => Flags |= FlagDeleted;

    public bool Collected => (Flags & FlagCollected) != 0;

    public void MarkCollected() => Flags |= FlagCollected;

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
        transaction.AddChangedType(parent, ParentSub);
        Content.Delete(transaction);
    }

    /// <summary>
    /// Merges <paramref name="right"/> into this item when the Yjs merge rules allow it
    /// (same flags, adjacent in the list and in clocks, right's origin is our last id,
    /// same right origin, mergeable content of the same kind).
    /// </summary>
    public bool TryMergeWith(Item right)
    {
        if (right._originClient != Client || right._originClock != Clock + Length - 1
            || !ReferenceEquals(Right, right)
            || _rightOriginClient != right._rightOriginClient
            || (_rightOriginClient >= 0 && _rightOriginClock != right._rightOriginClock)
            || right.Client != Client || Clock + Length != right.Clock
            || Deleted != right.Deleted
            || HasRedone || right.HasRedone
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
