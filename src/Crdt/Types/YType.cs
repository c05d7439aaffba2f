using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Types;

/// <summary>
/// Base of every shared type (root or nested). A type owns a list (<c>start</c> → right links)
/// and a map of key chains (key → last item). A type created with <c>new</c> is
/// <em>preliminary</em> until it is inserted into a document.
/// </summary>
public abstract partial class YType
{
    internal Item? ItemInternal;
    internal Item? Start;
    internal readonly Dictionary<string, Item> Map = [];
    internal int LengthInternal;
    internal YDoc? DocInternal;

    /// <summary>The last transaction that recorded this type as changed (dedupes the list cheaply).</summary>
    internal YTransaction? LastChangedBy;

    /// <summary>
    /// Whether a formatting marker was ever integrated into this type, also while it was an untyped
    /// root placeholder (yjs's <c>_hasFormatting</c>, <see cref="YText.HasFormatting"/>, is not
    /// carried over when a placeholder becomes a text, so it cannot decide the plain fast paths).
    /// </summary>
    internal bool ContainsFormats;

    /// <summary>This type's index in <see cref="LastChangedBy"/>'s changed types.</summary>
    internal int ChangedIndex;

    // Cached (item, index) positions, like Yjs's search markers: a look-up walks the list from the
    // nearest one. Local edits are usually near the previous one; the others keep the places an
    // editor jumps back to, so a jump does not walk half the document. Local plain inserts and
    // deletes shift them (see KeepMarkers); any change we do not account for drops them all.
    private struct Marker
    {
        public Item Item;
        public int Index;
        public long LastUse;
    }

    private const int MaxMarkers = 4;

    // A walk longer than this many items leaves a new marker at its end instead of moving the
    // one it started from.
    private const int NewMarkerAfterSteps = 32;

    private Marker[]? _markers;
    private int _markerCount;
    private int _currentMarker = -1;
    private long _markerUses;
    private bool _markersKeptByCaller;

    /// <summary>The document this type belongs to, or null while preliminary.</summary>
    public YDoc? Doc => DocInternal;

    /// <summary>The type that contains this one, or null for a root type.</summary>
    public YType? Parent => ItemInternal?.Parent;

    internal abstract int TypeRef { get; }

    /// <summary>The name under which this type is a root of its document, or null when nested.</summary>
    internal string? RootName;

    /// <summary>A new, empty, preliminary type of the same kind (used when content is copied).</summary>
    internal abstract YType CreateEmpty();

    /// <summary>Moves the content of an untyped root placeholder into this (now typed) root.</summary>
    internal void AdoptFrom(YType placeholder)
    {
        Start = placeholder.Start;
        foreach (var (key, item) in placeholder.Map)
        {
            Map[key] = item;
        }
        LengthInternal = placeholder.LengthInternal;
        ContainsFormats = placeholder.ContainsFormats;
        for (var n = Start; n is not null; n = n.Right)
        {
            n.Parent = this;
        }
        foreach (var last in Map.Values)
        {
            for (var n = last; n is not null; n = n.Left)
            {
                n.Parent = this;
            }
        }
    }

    /// <summary>Runs <paramref name="body"/> in the document's current transaction or a new local one.</summary>
    internal void Transact(Action<YTransaction> body) => RequireDoc().Transact(body);

    /// <summary>Writes the payload that follows the type ref (node name for XML elements, hook name for hooks).</summary>
    internal virtual void WriteTypeExtra(Lib0Writer writer)
    {
    }

    /// <summary>Binds the type to its document and owning item, then applies preliminary content.</summary>
    internal virtual void Integrate(YDoc doc, Item? item)
    {
        DocInternal = doc;
        ItemInternal = item;
        if (ObserverCount > 0)
        {
            doc.AdjustTrackers(ObserverCount);
        }
    }

    /// <summary>The JSON-compatible view, as Yjs's <c>toJSON()</c>.</summary>
    public abstract object? ToJsonValue();

    /// <summary>The JSON text of <see cref="ToJsonValue"/>, byte-identical to <c>JSON.stringify(type.toJSON())</c>.</summary>
    public string ToJson() => JsJson.StringifyView(ToJsonValue()) ?? "null";

    internal YDoc RequireDoc() =>
        DocInternal ?? throw new InvalidOperationException("This type is not part of a document yet: insert it into a document before editing it.");

    /// <summary>Drops every marker, unless a local edit that shifts them itself is running (<see cref="KeepMarkers"/>).</summary>
    internal void InvalidateMarker()
    {
        if (!_markersKeptByCaller)
        {
            _markerCount = 0;
            _currentMarker = -1;
        }
    }

    /// <summary>
    /// Starts a local edit that accounts for its own effect on the markers: until
    /// <see cref="ReleaseMarkers"/>, integrating and deleting items of this type keep them. The
    /// caller then shifts them (<see cref="ShiftMarkersForInsert"/>, <see cref="ShiftMarkersForDelete"/>)
    /// or, if the edit failed half-way, drops them.
    /// </summary>
    internal void KeepMarkers() => _markersKeptByCaller = true;

    internal void ReleaseMarkers(bool accounted)
    {
        _markersKeptByCaller = false;
        if (!accounted)
        {
            InvalidateMarker();
        }
    }

    /// <summary>
    /// After <paramref name="length"/> visible units were inserted at <paramref name="index"/> of a
    /// text (after the tombstones there): visible items from there on moved; a tombstone at
    /// <paramref name="index"/> stayed before the new content.
    /// </summary>
    internal void ShiftMarkersForInsert(int index, int length)
    {
        var markers = _markers;
        for (int i = 0; i < _markerCount; i++)
        {
            ref var m = ref markers![i];
            if (m.Index > index || (m.Index == index && m.Item.IsVisible))
            {
                m.Index += length;
            }
        }
    }

    /// <summary>After the visible units [index, index + length) were deleted.</summary>
    internal void ShiftMarkersForDelete(int index, int length)
    {
        var markers = _markers;
        for (int i = 0; i < _markerCount; i++)
        {
            ref var m = ref markers![i];
            if (m.Index > index)
            {
                m.Index -= Math.Min(length, m.Index - index);
            }
        }
    }

    /// <summary>Records that <paramref name="item"/> starts at visible index <paramref name="index"/>, in the marker used last.</summary>
    internal void SetMarker(Item? item, int index)
    {
        if (item is null)
        {
            return;
        }
        int slot = _currentMarker >= 0 ? _currentMarker : NewMarkerSlot();
        _markers![slot] = new Marker { Item = item, Index = index, LastUse = ++_markerUses };
        _currentMarker = slot;
    }

    /// <summary>A free marker slot, or the least recently used one.</summary>
    private int NewMarkerSlot()
    {
        _markers ??= new Marker[MaxMarkers];
        if (_markerCount < MaxMarkers)
        {
            return _markerCount++;
        }
        int oldest = 0;
        for (int i = 1; i < MaxMarkers; i++)
        {
            if (_markers[i].LastUse < _markers[oldest].LastUse)
            {
                oldest = i;
            }
        }
        return oldest;
    }

    internal void OnItemMerged(Item left, Item right)
    {
        var markers = _markers;
        for (int i = 0; i < _markerCount; i++)
        {
            ref var m = ref markers![i];
            if (ReferenceEquals(m.Item, right))
            {
                m.Item = left;
                if (left.IsVisible)
                {
                    m.Index -= left.Length;
                }
            }
        }
    }

    /// <summary>
    /// Finds the visible countable item that contains list position <paramref name="index"/>
    /// (0 ≤ index &lt; length) and the position at which that item starts.
    /// </summary>
    internal Item FindItemAt(int index, out int itemStart)
    {
        if (_currentMarker >= 0)
        {
            // Typing and backspacing stay in the item found last: no search, no marker update.
            ref var last = ref _markers![_currentMarker];
            if (index >= last.Index && last.Item.IsVisible && index < last.Index + last.Item.Length && last.Item.Parent == this)
            {
                itemStart = last.Index;
                return last.Item;
            }
        }
        // Start from the nearest marker, or from the start when that is nearer.
        int from = -1;
        int distance = index;
        var markers = _markers;
        for (int i = 0; i < _markerCount; i++)
        {
            int d = Math.Abs(markers![i].Index - index);
            if (d < distance)
            {
                distance = d;
                from = i;
            }
        }
        Item? n;
        int pos;
        int steps = 0;
        if (from >= 0 && markers![from].Item.Parent == this)
        {
            n = markers[from].Item;
            pos = markers[from].Index;
            // Walk back until we are at or before the target.
            while (pos > index && n.Left is { } left)
            {
                n = left;
                steps++;
                if (n.IsVisible)
                {
                    pos -= n.Length;
                }
            }
        }
        else
        {
            n = Start;
            pos = 0;
        }
        while (n is not null)
        {
            if (n.IsVisible)
            {
                if (index < pos + n.Length)
                {
                    itemStart = pos;
                    _currentMarker = from >= 0 && steps <= NewMarkerAfterSteps ? from : NewMarkerSlot();
                    markers = _markers!;
                    markers[_currentMarker] = new Marker { Item = n, Index = pos, LastUse = ++_markerUses };
                    return n;
                }
                pos += n.Length;
            }
            n = n.Right;
            steps++;
        }
        throw new ArgumentOutOfRangeException(nameof(index), index, $"index is beyond the length {LengthInternal}");
    }

    internal static void CheckRange(int index, int length, int available)
    {
        if (index < 0 || length < 0 || index > available || length > available - index)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"range [{index}, {index}+{length}) is outside [0, {available}]");
        }
    }
}
