using System.Text;
using CrdtCollab.Crdt.Internal.Content;
using CrdtCollab.Crdt.Internal.Structs;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt.Internal;

/// <summary>
/// The lazily computed parts of a <see cref="YEvent"/>: yjs's <c>YEvent.changes</c> (list delta),
/// <c>YEvent.keys</c> and <c>YTextEvent.delta</c>, from the transaction's delete set and the
/// states before it. They read items before the clean-up collects or merges them, which is why
/// the in-place fast paths stand aside while a document has observers.
/// </summary>
internal static class EventDeltas
{
    public static IReadOnlyList<YEventOp> OfList(YEvent e, IReadOnlyList<string?> subs)
    {
        var delta = new List<YEventOp>();
        if (!subs.Contains(null))
        {
            return delta;
        }
        var tr = e.Transaction;
        YEventOpKind? kind = null;
        int count = 0;
        List<object?>? inserted = null;
        void Pack()
        {
            if (kind is { } k)
            {
                delta.Add(k == YEventOpKind.Insert ? new YEventOp(k, inserted, inserted!.Count) : new YEventOp(k, null, count));
            }
        }
        for (var item = e.Target.Start; item is not null; item = item.Right)
        {
            if (item.Deleted)
            {
                if (tr.Deletes(item) && !tr.Adds(item))
                {
                    if (kind != YEventOpKind.Delete)
                    {
                        Pack();
                        kind = YEventOpKind.Delete;
                        count = 0;
                    }
                    count += item.Length;
                }
            }
            else if (tr.Adds(item))
            {
                if (kind != YEventOpKind.Insert)
                {
                    Pack();
                    kind = YEventOpKind.Insert;
                    inserted = [];
                }
                item.Content.CollectValues(inserted!);
            }
            else
            {
                if (kind != YEventOpKind.Retain)
                {
                    Pack();
                    kind = YEventOpKind.Retain;
                    count = 0;
                }
                count += item.Length;
            }
        }
        // A trailing retain says nothing.
        if (kind is not null and not YEventOpKind.Retain)
        {
            Pack();
        }
        return delta;
    }

    public static IReadOnlyDictionary<string, YEventKeyChange> KeysOf(YEvent e, IReadOnlyList<string?> subs)
    {
        var keys = new OrderedDictionary<string, YEventKeyChange>();
        var tr = e.Transaction;
        foreach (var key in subs)
        {
            if (key is null || !e.Target.Map.TryGetValue(key, out var item))
            {
                continue;
            }
            YEventKeyChange change;
            if (tr.Adds(item))
            {
                var prev = item.Left;
                while (prev is not null && tr.Adds(prev))
                {
                    prev = prev.Left;
                }
                bool prevDeleted = prev is not null && tr.Deletes(prev);
                if (tr.Deletes(item))
                {
                    if (!prevDeleted)
                    {
                        continue;
                    }
                    change = new YEventKeyChange(YEventKeyAction.Delete, YMap.LastValue(prev!));
                }
                else
                {
                    change = prevDeleted
                        ? new YEventKeyChange(YEventKeyAction.Update, YMap.LastValue(prev!))
                        : new YEventKeyChange(YEventKeyAction.Add, null);
                }
            }
            else if (tr.Deletes(item))
            {
                change = new YEventKeyChange(YEventKeyAction.Delete, YMap.LastValue(item));
            }
            else
            {
                continue;
            }
            keys[key] = change;
        }
        return keys;
    }

    /// <summary>
    /// yjs's <c>YTextEvent.delta</c>: inserts with the formatting in effect, retains with the
    /// formatting changed on them, deletes. Format markers that turn out redundant are deleted
    /// (in a transaction of their own, as yjs does).
    /// </summary>
    public static IReadOnlyList<YEventOp> OfText(YEvent e, YText text)
    {
        var delta = new List<YEventOp>();
        var tr = e.Transaction;
        text.RequireDoc().Transact(cleanup =>
        {
            var current = new OrderedDictionary<string, object?>();
            var old = new Dictionary<string, object?>();
            var attributes = new OrderedDictionary<string, object?>();
            YEventOpKind? action = null;
            object? insertObject = null;
            var insert = new StringBuilder();
            int retain = 0;
            int deleteLen = 0;
            void AddOp()
            {
                if (action is not { } a)
                {
                    return;
                }
                YEventOp? op = null;
                switch (a)
                {
                    case YEventOpKind.Delete:
                        if (deleteLen > 0)
                        {
                            op = new YEventOp(YEventOpKind.Delete, null, deleteLen);
                        }
                        deleteLen = 0;
                        break;
                    case YEventOpKind.Insert:
                        if (insertObject is not null || insert.Length > 0)
                        {
                            object value = insertObject ?? insert.ToString();
                            Dictionary<string, object?>? attrs = null;
                            if (current.Count > 0)
                            {
                                attrs = [];
                                foreach (var (k, v) in current)
                                {
                                    if (v is not null)
                                    {
                                        attrs[k] = v;
                                    }
                                }
                            }
                            op = new YEventOp(YEventOpKind.Insert, value, insertObject is null ? insert.Length : 1, attrs);
                        }
                        insertObject = null;
                        insert.Clear();
                        break;
                    case YEventOpKind.Retain:
                        if (retain > 0)
                        {
                            op = new YEventOp(YEventOpKind.Retain, null, retain, attributes.Count > 0 ? new Dictionary<string, object?>(attributes) : null);
                        }
                        retain = 0;
                        break;
                }
                if (op is not null)
                {
                    delta.Add(op);
                }
                action = null;
            }
            for (var item = text.Start; item is not null; item = item.Right)
            {
                switch (item.Content)
                {
                    case ContentType or ContentEmbed:
                        if (tr.Adds(item))
                        {
                            if (!tr.Deletes(item))
                            {
                                AddOp();
                                action = YEventOpKind.Insert;
                                var values = new List<object?>(1);
                                item.Content.CollectValues(values);
                                insertObject = values[0];
                                AddOp();
                            }
                        }
                        else if (tr.Deletes(item))
                        {
                            if (action != YEventOpKind.Delete)
                            {
                                AddOp();
                                action = YEventOpKind.Delete;
                            }
                            deleteLen += 1;
                        }
                        else if (!item.Deleted)
                        {
                            if (action != YEventOpKind.Retain)
                            {
                                AddOp();
                                action = YEventOpKind.Retain;
                            }
                            retain += 1;
                        }
                        break;
                    case ContentString s:
                        if (tr.Adds(item))
                        {
                            if (!tr.Deletes(item))
                            {
                                if (action != YEventOpKind.Insert)
                                {
                                    AddOp();
                                    action = YEventOpKind.Insert;
                                }
                                insert.Append(s.Span);
                            }
                        }
                        else if (tr.Deletes(item))
                        {
                            if (action != YEventOpKind.Delete)
                            {
                                AddOp();
                                action = YEventOpKind.Delete;
                            }
                            deleteLen += item.Length;
                        }
                        else if (!item.Deleted)
                        {
                            if (action != YEventOpKind.Retain)
                            {
                                AddOp();
                                action = YEventOpKind.Retain;
                            }
                            retain += item.Length;
                        }
                        break;
                    case ContentFormat f:
                        OnFormat(cleanup, tr, item, f, current, old, attributes, ref action, AddOp);
                        if (!item.Deleted)
                        {
                            if (action == YEventOpKind.Insert)
                            {
                                AddOp();
                            }
                            TextPosition.UpdateAttributes(current, f);
                        }
                        break;
                }
            }
            AddOp();
            while (delta.Count > 0 && delta[^1] is { Kind: YEventOpKind.Retain, Attributes: null })
            {
                delta.RemoveAt(delta.Count - 1);
            }
        });
        return delta;
    }

    private static void OnFormat(
        YTransaction cleanup, YTransaction tr, Item item, ContentFormat f,
        OrderedDictionary<string, object?> current, Dictionary<string, object?> old,
        OrderedDictionary<string, object?> attributes, ref YEventOpKind? action, Action addOp)
    {
        var key = f.Key;
        var value = f.Value;
        if (tr.Adds(item))
        {
            if (!tr.Deletes(item))
            {
                var curVal = current.GetValueOrDefault(key);
                if (!TextAttributes.EqualAttrs(curVal, value))
                {
                    if (action == YEventOpKind.Retain)
                    {
                        addOp();
                    }
                    if (TextAttributes.EqualAttrs(value, old.GetValueOrDefault(key)))
                    {
                        attributes.Remove(key);
                    }
                    else
                    {
                        attributes[key] = value;
                    }
                }
                else if (value is not null)
                {
                    item.Delete(cleanup);
                }
            }
        }
        else if (tr.Deletes(item))
        {
            old[key] = value;
            var curVal = current.GetValueOrDefault(key);
            if (!TextAttributes.EqualAttrs(curVal, value))
            {
                if (action == YEventOpKind.Retain)
                {
                    addOp();
                }
                attributes[key] = curVal;
            }
        }
        else if (!item.Deleted)
        {
            old[key] = value;
            if (attributes.TryGetValue(key, out var attr))
            {
                if (!TextAttributes.EqualAttrs(attr, value))
                {
                    if (action == YEventOpKind.Retain)
                    {
                        addOp();
                    }
                    if (value is null)
                    {
                        attributes.Remove(key);
                    }
                    else
                    {
                        attributes[key] = value;
                    }
                }
                else if (attr is not null)
                {
                    item.Delete(cleanup);
                }
            }
        }
    }
}
