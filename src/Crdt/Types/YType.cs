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

    internal void InvalidateMarker() => _markerItem = null;

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
    }

    /// <summary>
    /// Finds the visible countable item that contains list position <paramref name="index"/>
    /// (0 ≤ index &lt; length) and the position at which that item starts.
    /// </summary>
    internal Item FindItemAt(int index, out int itemStart)
    {
        Item? n;
        int pos;
        if (_markerItem is { } marker && (marker.Parent == this))
        {
            n = marker;
            pos = _markerIndex;
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
        }
        while (n is not null)
        {
            if (n.IsVisible)
            {
                if (index < pos + n.Length)
                {
                    itemStart = pos;
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

    internal static void CheckRange(int index, int length, int available)
    {
        if (index < 0 || length < 0 || index > available || length > available - index)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"range [{index}, {index}+{length}) is outside [0, {available}]");
        }
    }
}
