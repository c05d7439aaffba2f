using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Types;

/// <summary>
/// Base of every shared type (root or nested). A type owns a list (<c>start</c> → right links)
/// and a map of key chains (key → last item). A type created with <c>new</c> is
/// <em>preliminary</em> until it is inserted into a document.
/// </summary>
public abstract class YType
{
    internal Item? ItemInternal;
    internal Item? Start;
    internal readonly Dictionary<string, Item> Map = [];
    internal int LengthInternal;
    internal YDoc? DocInternal;

    /// <summary>The last transaction that recorded this type as changed (dedupes the list cheaply).</summary>
    internal YTransaction? LastChangedBy;

    // One cached (item, index) position: local edits are usually near the previous one, so
    // walking from here is short. Any change we do not account for drops it.
    private Item? _markerItem;
    private int _markerIndex;

    // Positions edited before a jump elsewhere: editing traces jump between a few places, and
    // walking the list from the last place to the next one (over every tombstone in between)
    // took most of a text edit's time. A local text edit shifts them exactly (see
    // ShiftMarkersAfterInsert/Delete); any other change drops them with the main marker.
    private const int ExtraMarkerCount = 8;
    private const int FarUnits = 64;
    private Marker[]? _extraMarkers;
    private int _extraCount;
    private int _extraNext;

    private struct Marker
    {
        public Item Item;
        public int Index;
    }

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
    }

    /// <summary>The JSON-compatible view, as Yjs's <c>toJSON()</c>.</summary>
    public abstract object? ToJsonValue();

    /// <summary>The JSON text of <see cref="ToJsonValue"/>, byte-identical to <c>JSON.stringify(type.toJSON())</c>.</summary>
    public string ToJson() => JsJson.StringifyView(ToJsonValue()) ?? "null";

    internal YDoc RequireDoc() =>
        DocInternal ?? throw new InvalidOperationException("This type is not part of a document yet: insert it into a document before editing it.");

    internal void InvalidateMarker()
    {
        _markerItem = null;
        _extraCount = 0;
    }

    /// <summary>
    /// Takes the extra markers out of the type for the duration of a local edit (whose own
    /// integration would drop them); pass the result to a <c>ShiftMarkersAfter…</c> method when
    /// the edit is done. Should the edit fail half-way, they simply stay dropped.
    /// </summary>
    internal int DetachExtraMarkers()
    {
        int count = _extraCount;
        _extraCount = 0;
        return count;
    }

    /// <summary>Re-attaches extra markers after <paramref name="length"/> units were inserted at visible index <paramref name="index"/>.</summary>
    internal void ShiftMarkersAfterInsert(int detached, int index, int length)
    {
        int kept = 0;
        for (int i = 0; i < detached; i++)
        {
            var m = _extraMarkers![i];
            if (m.Index == index && !m.Item.IsVisible)
            {
                // A tombstone exactly at the insertion point may lie before or after the new
                // text: its index is no longer known.
                continue;
            }
            if (m.Index >= index)
            {
                m.Index += length;
            }
            _extraMarkers[kept++] = m;
        }
        _extraCount = kept;
    }

    /// <summary>Re-attaches extra markers after visible units [index, index + length) were deleted.</summary>
    internal void ShiftMarkersAfterDelete(int detached, int index, int length)
    {
        for (int i = 0; i < detached; i++)
        {
            ref var m = ref _extraMarkers![i];
            // Items after the range lose its units, items inside it now start where it started.
            m.Index = m.Index >= index + length ? m.Index - length : Math.Min(m.Index, index);
        }
        _extraCount = detached;
    }

    internal void SetMarker(Item? item, int index)
    {
        _markerItem = item;
        _markerIndex = index;
    }

    internal void OnItemMerged(Item left, Item right)
    {
        if (ReferenceEquals(_markerItem, right))
        {
            _markerItem = left;
            if (left.IsVisible)
            {
                _markerIndex -= left.Length;
            }
        }
        for (int i = 0; i < _extraCount; i++)
        {
            ref var m = ref _extraMarkers![i];
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
        Item? n = null;
        int pos = 0;
        int distance = index;
        int fromExtra = -1;
        if (_markerItem is { } marker && (marker.Parent == this))
        {
            n = marker;
            pos = _markerIndex;
            distance = Math.Abs(index - pos);
        }
        for (int i = 0; i < _extraCount; i++)
        {
            var m = _extraMarkers![i];
            int d = Math.Abs(index - m.Index);
            if (d < distance && m.Item.Parent == this)
            {
                (n, pos, distance, fromExtra) = (m.Item, m.Index, d, i);
            }
        }
        if (n is not null && index >= distance)
        {
            // Walk back until we are at or before the target.
            while (pos > index && n.Left is { } left)
            {
                n = left;
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
            fromExtra = -1;
        }
        while (n is not null)
        {
            if (n.IsVisible)
            {
                if (index < pos + n.Length)
                {
                    itemStart = pos;
                    RememberJump(fromExtra, pos);
                    _markerItem = n;
                    _markerIndex = pos;
                    return n;
                }
                pos += n.Length;
            }
            n = n.Right;
        }
        throw new ArgumentOutOfRangeException(nameof(index), index, $"index is beyond the length {LengthInternal}");
    }

    /// <summary>Before the main marker moves to <paramref name="newIndex"/>: keep its old place as an extra marker when that is far away.</summary>
    private void RememberJump(int fromExtra, int newIndex)
    {
        if (_markerItem is not { } old || old.Parent != this || Math.Abs(_markerIndex - newIndex) <= FarUnits)
        {
            return;
        }
        var m = new Marker { Item = old, Index = _markerIndex };
        if (fromExtra >= 0)
        {
            // The extra we came from is close to the new main marker: let the old place take its slot.
            _extraMarkers![fromExtra] = m;
            return;
        }
        _extraMarkers ??= new Marker[ExtraMarkerCount];
        if (_extraCount < ExtraMarkerCount)
        {
            _extraMarkers[_extraCount++] = m;
            return;
        }
        _extraMarkers[_extraNext] = m;
        _extraNext = (_extraNext + 1) % ExtraMarkerCount;
    }

    internal static void CheckRange(int index, int length, int available)
    {
        if (index < 0 || length < 0 || index > available || length > available - index)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"range [{index}, {index}+{length}) is outside [0, {available}]");
        }
    }
}
