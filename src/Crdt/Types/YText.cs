using System.Text;
using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Content;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Types;

/// <summary>
/// Shared rich text. Indices and lengths are UTF-16 code units, as in JavaScript. Formatting
/// is kept as markers (see <c>ARCHITECTURE.md</c>), and a delta view is available.
/// </summary>
public partial class YText : YType
{
    private List<Action>? _prelim = [];

    /// <summary>Creates a preliminary text; insert it into a document to share it.</summary>
    public YText()
    {
    }

    /// <summary>Creates a preliminary text holding <paramref name="initial"/> once inserted.</summary>
    public YText(string initial)
    {
        if (initial.Length > 0)
        {
            _prelim!.Add(() => Insert(0, initial));
        }
    }

    /// <summary>
    /// yjs's <c>_hasFormatting</c>: a formatting marker was integrated into this text (not into the
    /// untyped root placeholder it may have adopted, as in yjs). Decides only whether a remote
    /// transaction runs the formatting clean-up; the plain fast paths ask <see cref="YType.ContainsFormats"/>.
    /// </summary>
    internal bool HasFormatting;

    internal override int TypeRef => ContentType.YTextRef;

    internal override YType CreateEmpty() => new YText();

    /// <summary>Number of UTF-16 code units of visible content (embeds count 1).</summary>
    public int Length => LengthInternal;

    internal override void Integrate(YDoc doc, Item? item)
    {
        base.Integrate(doc, item);
        var prelim = _prelim;
        _prelim = null;
        prelim?.ForEach(a => a());
    }

    private bool Deferred(Action action)
    {
        if (DocInternal is not null)
        {
            return false;
        }
        _prelim!.Add(action);
        return true;
    }

    /// <summary>
    /// Inserts <paramref name="text"/> at <paramref name="index"/>. Without attributes the text
    /// takes the formatting in effect there; with attributes, markers make it exactly that.
    /// </summary>
    public void Insert(int index, string text, IReadOnlyDictionary<string, object?>? attributes = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return;
        }
        if (DocInternal is not { } doc)
        {
            DeferInsert(index, text, attributes);
            return;
        }
        if (attributes is null && !ContainsFormats)
        {
            var tr = doc.BeginTransaction(null, local: true, out bool owned);
            try
            {
                InsertPlain(tr, index, text);
            }
            finally
            {
                doc.EndTransaction(owned);
            }
            return;
        }
        InsertFormatted(doc, index, text, attributes);
    }

    // The closures live in these helpers, not in the public methods: C# allocates a lambda's
    // captured variables when the scope that declares them is entered, so a closure anywhere in
    // Insert or Delete would cost every keystroke an allocation even on the plain path.
    private void DeferInsert(int index, string text, IReadOnlyDictionary<string, object?>? attributes) =>
        _prelim!.Add(() => Insert(index, text, attributes));

    private void DeferDelete(int index, int length) => _prelim!.Add(() => Delete(index, length));

    private void InsertFormatted(YDoc doc, int index, string text, IReadOnlyDictionary<string, object?>? attributes) =>
        doc.Transact(tr =>
        {
            var pos = FindPosition(tr, index, attributes is null);
            var attrs = attributes is null ? new OrderedDictionary<string, object?>(pos.CurrentAttributes) : new OrderedDictionary<string, object?>(attributes);
            InsertContent(tr, pos, new ContentString(text), attrs);
        });

    private void DeleteFormatted(int index, int length) =>
        Transact(tr => DeleteText(tr, FindPosition(tr, index, true), length));

    /// <summary>Inserts an embed (a JSON-like value) or a nested shared type as one unit.</summary>
    public void InsertEmbed(int index, object embed, IReadOnlyDictionary<string, object?>? attributes = null)
    {
        ArgumentNullException.ThrowIfNull(embed);
        if (Deferred(() => InsertEmbed(index, embed, attributes)))
        {
            return;
        }
        Transact(tr =>
        {
            var pos = FindPosition(tr, index, attributes is null);
            ItemContent content = embed is YType t ? ValueContent.ForMapValue(t) : new ContentEmbed(embed);
            InsertContent(tr, pos, content, attributes is null ? [] : new OrderedDictionary<string, object?>(attributes));
        });
    }

    /// <summary>Deletes <paramref name="length"/> units from <paramref name="index"/>.</summary>
    public void Delete(int index, int length)
    {
        if (length == 0)
        {
            return;
        }
        if (DocInternal is not { } doc)
        {
            DeferDelete(index, length);
            return;
        }
        CheckRange(index, length, LengthInternal);
        if (!ContainsFormats)
        {
            var tr = doc.BeginTransaction(null, local: true, out bool owned);
            try
            {
                ListOps.Delete(tr, this, index, length);
            }
            finally
            {
                doc.EndTransaction(owned);
            }
            return;
        }
        DeleteFormatted(index, length);
    }

    /// <summary>Sets (or, with null values, removes) formatting attributes on a range.</summary>
    public void Format(int index, int length, IReadOnlyDictionary<string, object?> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        if (length == 0 || Deferred(() => Format(index, length, attributes)))
        {
            return;
        }
        Transact(tr =>
        {
            var pos = FindPosition(tr, index, false);
            if (pos.Right is null)
            {
                return;
            }
            FormatText(tr, pos, length, new OrderedDictionary<string, object?>(attributes));
        });
    }

    /// <summary>The visible text (embeds and nested types are left out).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(LengthInternal);
        for (var n = Start; n is not null; n = n.Right)
        {
            if (!n.Deleted && n.Content is ContentString s)
            {
                sb.Append(s.Span);
            }
        }
        return sb.ToString();
    }

    /// <inheritdoc />
    public override object? ToJsonValue() => ToString();

    /// <summary>The content as a delta: inserts with the attributes in effect.</summary>
    public IReadOnlyList<YDeltaOp> ToDelta()
    {
        var ops = new List<YDeltaOp>();
        var current = new OrderedDictionary<string, object?>();
        var sb = new StringBuilder();
        void PackString()
        {
            if (sb.Length > 0)
            {
                ops.Add(new YDeltaOp(sb.ToString(), current.Count > 0 ? new OrderedDictionary<string, object?>(current) : null));
                sb.Clear();
            }
        }
        for (var n = Start; n is not null; n = n.Right)
        {
            if (n.Deleted)
            {
                continue;
            }
            switch (n.Content)
            {
                case ContentString s:
                    sb.Append(s.Span);
                    break;
                case ContentEmbed or ContentType:
                    PackString();
                    var values = new List<object?>(1);
                    n.Content.CollectValues(values);
                    ops.Add(new YDeltaOp(values[0], current.Count > 0 ? new OrderedDictionary<string, object?>(current) : null));
                    break;
                case ContentFormat f:
                    PackString();
                    TextPosition.UpdateAttributes(current, f);
                    break;
            }
        }
        PackString();
        return ops;
    }

    /// <summary>
    /// The cursor after <paramref name="index"/> units. Formatting must be tracked from the
    /// start unless the text has none, so the cached position is used only then.
    /// </summary>
    private TextPosition FindPosition(YTransaction transaction, int index, bool mayUseMarker)
    {
        CheckRange(index, 0, LengthInternal);
        var attrs = new OrderedDictionary<string, object?>();
        if (index > 0 && mayUseMarker && !ContainsFormats)
        {
            var item = FindItemAt(index - 1, out int start);
            int end = index - start;
            if (end < item.Length)
            {
                transaction.Doc.Store.GetItemCleanStart(transaction, new Id(item.Client, item.Clock + end));
            }
            return new TextPosition(item, item.Right, index, attrs);
        }
        var pos = new TextPosition(null, Start, 0, attrs);
        int count = index;
        while (pos.Right is not null && count > 0)
        {
            var r = pos.Right;
            if (!r.Deleted)
            {
                if (r.Content is ContentFormat f)
                {
                    TextPosition.UpdateAttributes(attrs, f);
                }
                else if (r.Countable)
                {
                    if (count < r.Length)
                    {
                        transaction.Doc.Store.GetItemCleanStart(transaction, new Id(r.Client, r.Clock + count));
                    }
                    pos.Index += r.Length;
                    count -= r.Length;
                }
            }
            pos.Left = r;
            pos.Right = r.Right;
        }
        return pos;
    }

    /// <summary>
    /// Insert into text that has no formatting: after the unit before <paramref name="index"/>
    /// and past any tombstones there (text, unlike arrays, goes after deleted items).
    /// </summary>
    private void InsertPlain(YTransaction transaction, int index, string text)
    {
        CheckRange(index, 0, LengthInternal);
        if (ItemInternal is { Deleted: true })
        {
            // Content inserted into a deleted type is deleted at once: no marker shifts.
            InsertPlainAt(transaction, index, text);
            return;
        }
        KeepMarkers();
        bool done = false;
        try
        {
            InsertPlainAt(transaction, index, text);
            done = true;
        }
        finally
        {
            ReleaseMarkers(accounted: done);
        }
    }

    private void InsertPlainAt(YTransaction transaction, int index, string text)
    {
        Item? left = null;
        Item? right = Start;
        if (index > 0)
        {
            left = FindItemAt(index - 1, out int start);
            int end = index - start;
            if (end < left.Length)
            {
                transaction.Doc.Store.GetItemCleanStart(transaction, new Id(left.Client, left.Clock + end));
            }
            right = left.Right;
        }
        while (right is { Deleted: true })
        {
            left = right;
            right = right.Right;
        }
        if (left is not null && TryExtendInPlace(transaction, left, right, text))
        {
            // The grown item still starts where it did: it ended at index − 1 before.
            ShiftMarkersForInsert(index, text.Length);
            SetMarker(left, index + text.Length - left.Length);
            return;
        }
        var item = ListOps.NewItem(transaction, transaction.Doc, this, left, right, null, new ContentString(text));
        ShiftMarkersForInsert(index, text.Length);
        SetMarker(item, index);
    }

    /// <summary>
    /// Typing right after our own newest text: Yjs would create an item and merge it into
    /// <paramref name="left"/> when the transaction ends (same client, next clock, origin = its
    /// last unit, same right origin, adjacent). Appending in place gives that same store
    /// without allocating and merging an item per keystroke. A later split of the grown item
    /// recreates exactly the item Yjs would have (same id, origin and right origin).
    /// </summary>
    private bool TryExtendInPlace(YTransaction transaction, Item left, Item? right, string text)
    {
        var store = transaction.Doc.Store;
        long client = transaction.Doc.ClientId;
        // Observers read the items as yjs has them before its clean-up merges (a new item).
        if (transaction.Doc.TracksChanges || left.Client != client || left.Deleted || left.HasRedone || left.Content is not ContentString content
            || !ReferenceEquals(left.Parent, this) || left.ParentSub is not null || left.Keep)
        {
            return false;
        }
        long state = left.Clock + left.Length;
        if (store.GetState(client) != state || left.RightOrigin != right?.Id)
        {
            return false;
        }
        transaction.NoteAppend(client, state);
        content.Append(text);
        left.Length += text.Length;
        LengthInternal += text.Length;
        return true;
    }

    private void InsertContent(YTransaction transaction, TextPosition pos, ItemContent content, OrderedDictionary<string, object?> attributes)
    {
        foreach (var key in pos.CurrentAttributes.Keys)
        {
            attributes.TryAdd(key, null);
        }
        MinimizeAttributeChanges(pos, attributes);
        var negated = InsertAttributes(transaction, pos, attributes);
        int index = pos.Index;
        var item = ListOps.NewItem(transaction, transaction.Doc, this, pos.Left, pos.Right, null, content);
        pos.Right = item;
        pos.Index = index;
        pos.Forward();
        InsertNegatedAttributes(transaction, pos, negated);
        if (!ContainsFormats && item.IsVisible)
        {
            SetMarker(item, index);
        }
    }

    private static void MinimizeAttributeChanges(TextPosition pos, OrderedDictionary<string, object?> attributes)
    {
        while (pos.Right is { } r
            && (r.Deleted || (r.Content is ContentFormat f && TextAttributes.EqualAttrs(attributes.GetValueOrDefault(f.Key), f.Value))))
        {
            pos.Forward();
        }
    }

    private OrderedDictionary<string, object?> InsertAttributes(YTransaction transaction, TextPosition pos, OrderedDictionary<string, object?> attributes)
    {
        var negated = new OrderedDictionary<string, object?>();
        foreach (var (key, value) in attributes)
        {
            var current = pos.CurrentAttributes.GetValueOrDefault(key);
            if (!TextAttributes.EqualAttrs(current, value))
            {
                negated[key] = current;
                pos.Right = ListOps.NewItem(transaction, transaction.Doc, this, pos.Left, pos.Right, null, new ContentFormat(key, value));
                pos.Forward();
            }
        }
        return negated;
    }

    private void InsertNegatedAttributes(YTransaction transaction, TextPosition pos, OrderedDictionary<string, object?> negated)
    {
        while (pos.Right is { } r
            && (r.Deleted || (r.Content is ContentFormat f && negated.TryGetValue(f.Key, out var nv) && TextAttributes.EqualAttrs(nv, f.Value))))
        {
            if (!r.Deleted)
            {
                negated.Remove(((ContentFormat)r.Content).Key);
            }
            pos.Forward();
        }
        foreach (var (key, value) in negated)
        {
            pos.Right = ListOps.NewItem(transaction, transaction.Doc, this, pos.Left, pos.Right, null, new ContentFormat(key, value));
            pos.Forward();
        }
    }

    private void FormatText(YTransaction transaction, TextPosition pos, int length, OrderedDictionary<string, object?> attributes)
    {
        MinimizeAttributeChanges(pos, attributes);
        var negated = InsertAttributes(transaction, pos, attributes);
        while (pos.Right is { } r
            && (length > 0 || (negated.Count > 0 && (r.Deleted || r.Content is ContentFormat))))
        {
            if (!r.Deleted)
            {
                if (r.Content is ContentFormat f)
                {
                    if (attributes.TryGetValue(f.Key, out var attr))
                    {
                        if (TextAttributes.EqualAttrs(attr, f.Value))
                        {
                            negated.Remove(f.Key);
                        }
                        else
                        {
                            if (length == 0)
                            {
                                // No need to extend the negated attributes further.
                                break;
                            }
                            negated[f.Key] = f.Value;
                        }
                        r.Delete(transaction);
                    }
                    else
                    {
                        pos.CurrentAttributes[f.Key] = f.Value;
                    }
                }
                else
                {
                    if (length < r.Length)
                    {
                        transaction.Doc.Store.GetItemCleanStart(transaction, new Id(r.Client, r.Clock + length));
                    }
                    length -= r.Length;
                }
            }
            pos.Forward();
        }
        if (length > 0)
        {
            // Quill assumes the text ends with a newline: formatting past the end appends newlines.
            pos.Right = ListOps.NewItem(transaction, transaction.Doc, this, pos.Left, pos.Right, null, new ContentString(new string('\n', length)));
            pos.Forward();
        }
        InsertNegatedAttributes(transaction, pos, negated);
    }

    private void DeleteText(YTransaction transaction, TextPosition pos, int length)
    {
        int startIndex = pos.Index;
        var startAttrs = new OrderedDictionary<string, object?>(pos.CurrentAttributes);
        var start = pos.Right;
        while (length > 0 && pos.Right is { } r)
        {
            if (!r.Deleted && r.Content is ContentType or ContentEmbed or ContentString)
            {
                if (length < r.Length)
                {
                    transaction.Doc.Store.GetItemCleanStart(transaction, new Id(r.Client, r.Clock + length));
                }
                length -= r.Length;
                r.Delete(transaction);
            }
            pos.Forward();
        }
        if (start is not null)
        {
            TextCleanup.CleanupFormattingGap(transaction, start, pos.Right, startAttrs, pos.CurrentAttributes);
        }
        if (!ContainsFormats && start is not null)
        {
            SetMarker(start, startIndex);
        }
    }
}
