using System.Text.Json;
using System.Text.Json.Nodes;
using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.EventStore.Internal;

/// <summary>
/// Edits a live shared type until its content equals another document's type of the same kind:
/// text with its formatting, embeds and nested types; maps and XML attributes key by key;
/// arrays and XML children element by element; nested types recursively (same kind in the same
/// place: edited in place; otherwise replaced by a copy). What already matches is left alone,
/// so unchanged text, elements and nested types keep their identity (cursors, comments,
/// relative positions). A state diff over content, not history: the version's document may
/// come from a compacted log whose deleted content was collected.
/// </summary>
internal static class ContentSync
{
    public static void MakeEqual(YType current, YType wanted)
    {
        switch (current)
        {
            case YText text:
                SyncText(text, (YText)wanted);
                break;
            case YXmlElement element:
                SyncAttributes(element, (YXmlElement)wanted);
                SyncChildren(element, (YXmlFragment)wanted);
                break;
            case YXmlFragment fragment:
                SyncChildren(fragment, (YXmlFragment)wanted);
                break;
            case YMap map:
                SyncMap(map, (YMap)wanted);
                break;
            case YArray array:
                SyncArray(array, (YArray)wanted);
                break;
        }
    }

    /// <summary>A new, empty, preliminary type of the same kind (node or hook name included).</summary>
    private static YType EmptyLike(YType type) => type switch
    {
        YXmlText => new YXmlText(),
        YText => new YText(),
        YXmlHook hook => new YXmlHook(hook.HookName),
        YMap => new YMap(),
        YArray => new YArray(),
        YXmlElement element => new YXmlElement(element.NodeName),
        YXmlFragment => new YXmlFragment(),
        _ => throw new NotSupportedException($"cannot copy a {type.GetType().Name}"),
    };

    private static bool SameKind(object? a, object? b) => (a, b) switch
    {
        (YXmlElement x, YXmlElement y) => x.NodeName == y.NodeName,
        (YXmlHook x, YXmlHook y) => x.HookName == y.HookName,
        (YType x, YType y) => x.GetType() == y.GetType(),
        _ => false,
    };

    /// <summary>Inserts (via <paramref name="insert"/>) a copy of <paramref name="value"/>: plain values as they are, types as an empty type then filled.</summary>
    private static void InsertCopy(object? value, Action<object?> insert)
    {
        if (value is YType type)
        {
            var copy = EmptyLike(type);
            insert(copy);
            MakeEqual(copy, type);
        }
        else
        {
            insert(value);
        }
    }

    private static void SyncMap(YMap map, YMap wanted)
    {
        var entries = wanted.ToDictionary();
        foreach (var key in map.Keys.ToList())
        {
            if (!entries.ContainsKey(key))
            {
                map.Delete(key);
            }
        }
        foreach (var (key, value) in entries)
        {
            var now = map.ContainsKey(key) ? map.Get(key) : null;
            if (map.ContainsKey(key) && SameKind(now, value))
            {
                MakeEqual((YType)now!, (YType)value!);
            }
            else if (!map.ContainsKey(key) || Describe(now) != Describe(value))
            {
                InsertCopy(value, v => map.Set(key, v));
            }
        }
    }

    private static void SyncAttributes(YXmlElement element, YXmlElement wanted)
    {
        var attributes = wanted.GetAttributes();
        foreach (var key in element.GetAttributes().Keys.ToList())
        {
            if (!attributes.ContainsKey(key))
            {
                element.RemoveAttribute(key);
            }
        }
        foreach (var (key, value) in attributes)
        {
            if (Describe(element.GetAttribute(key)) != Describe(value) || !element.GetAttributes().ContainsKey(key))
            {
                element.SetAttribute(key, value);
            }
        }
    }

    private static void SyncArray(YArray array, YArray wanted) =>
        SyncList(array.ToArray(), wanted.ToArray(), (i, n) => array.Delete(i, n), (i, v) => InsertCopy(v, c => array.Insert(i, c)));

    private static void SyncChildren(YXmlFragment fragment, YXmlFragment wanted) =>
        SyncList([.. fragment.Children()], [.. wanted.Children()], (i, n) => fragment.Delete(i, n), (i, v) => InsertCopy(v, c => fragment.Insert(i, (YType)c!)));

    /// <summary>
    /// Keeps the common prefix and suffix; in between, elements of the same kind in the same place
    /// are synchronised in place when both sides have as many, everything else is replaced.
    /// </summary>
    private static void SyncList(object?[] current, object?[] wanted, Action<int, int> delete, Action<int, object?> insert)
    {
        var (prefix, suffix) = CommonEnds(current.Select(Describe).ToArray(), wanted.Select(Describe).ToArray());
        int currentMiddle = current.Length - prefix - suffix;
        int wantedMiddle = wanted.Length - prefix - suffix;
        if (currentMiddle == wantedMiddle)
        {
            for (int i = prefix; i < prefix + currentMiddle; i++)
            {
                if (SameKind(current[i], wanted[i]))
                {
                    MakeEqual((YType)current[i]!, (YType)wanted[i]!);
                }
                else
                {
                    delete(i, 1);
                    insert(i, wanted[i]);
                }
            }
            return;
        }
        if (currentMiddle > 0)
        {
            delete(prefix, currentMiddle);
        }
        for (int i = 0; i < wantedMiddle; i++)
        {
            insert(prefix + i, wanted[prefix + i]);
        }
    }

    private static (int Prefix, int Suffix) CommonEnds(string[] a, string[] b)
    {
        int max = Math.Min(a.Length, b.Length);
        int prefix = 0;
        while (prefix < max && a[prefix] == b[prefix])
        {
            prefix++;
        }
        int suffix = 0;
        while (suffix < max - prefix && a[a.Length - 1 - suffix] == b[b.Length - 1 - suffix])
        {
            suffix++;
        }
        return (prefix, suffix);
    }

    /// <summary>One unit of text: a UTF-16 code unit, an embed or a nested type, with its formatting.</summary>
    private readonly record struct Unit(string Key, object? Insert, IReadOnlyDictionary<string, object?>? Attributes);

    private static List<Unit> Units(YText text)
    {
        var units = new List<Unit>();
        foreach (var op in text.ToDelta())
        {
            if (op.Insert is string s)
            {
                foreach (var c in s)
                {
                    units.Add(new Unit(c.ToString(), c, op.Attributes));
                }
            }
            else
            {
                units.Add(new Unit(Describe(op.Insert), op.Insert, op.Attributes));
            }
        }
        return units;
    }

    /// <summary>
    /// Content first (common ends kept, the middle replaced with the wanted content and its
    /// formatting), then formatting: every run of the wanted delta is formatted with its exact
    /// attributes (absent ones as null), which inserts markers only where formatting differs.
    /// </summary>
    private static void SyncText(YText text, YText wanted)
    {
        var current = Units(text);
        var target = Units(wanted);
        var (prefix, suffix) = CommonEnds(current.Select(u => u.Key).ToArray(), target.Select(u => u.Key).ToArray());
        // Never cut a surrogate pair: the halves would be rewritten as U+FFFD.
        while (prefix > 0 && (IsLow(current, prefix) || IsLow(target, prefix)))
        {
            prefix--;
        }
        while (suffix > 0 && (IsLow(current, current.Count - suffix) || IsLow(target, target.Count - suffix)))
        {
            suffix--;
        }
        int deleteLength = current.Count - prefix - suffix;
        if (deleteLength > 0)
        {
            text.Delete(prefix, deleteLength);
        }
        int pos = prefix;
        int end = target.Count - suffix;
        for (int i = prefix; i < end;)
        {
            var unit = target[i];
            var attributes = unit.Attributes ?? new Dictionary<string, object?>();
            if (unit.Insert is char)
            {
                int j = i;
                var sb = new System.Text.StringBuilder();
                while (j < end && target[j].Insert is char c && ReferenceEquals(target[j].Attributes, unit.Attributes))
                {
                    sb.Append(c);
                    j++;
                }
                text.Insert(pos, sb.ToString(), attributes);
                pos += j - i;
                i = j;
            }
            else
            {
                var source = unit.Insert;
                InsertCopy(source, v => text.InsertEmbed(pos, v!, attributes));
                pos++;
                i++;
            }
        }
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var u in current.Concat(target))
        {
            if (u.Attributes is not null)
            {
                keys.UnionWith(u.Attributes.Keys);
            }
        }
        if (keys.Count == 0)
        {
            return;
        }
        int index = 0;
        foreach (var op in wanted.ToDelta())
        {
            int length = op.Insert is string s ? s.Length : 1;
            var exact = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                exact[key] = op.Attributes is not null && op.Attributes.TryGetValue(key, out var v) ? v : null;
            }
            text.Format(index, length, exact);
            index += length;
        }
    }

    private static bool IsLow(List<Unit> units, int index) =>
        index > 0 && index < units.Count && units[index].Insert is char c && char.IsLowSurrogate(c);

    /// <summary>A deep, canonical description: equal descriptions mean equal content.</summary>
    private static string Describe(object? value) => Node(value)?.ToJsonString() ?? "null";

    private static JsonNode? Node(object? value)
    {
        switch (value)
        {
            case YText text:
                var ops = new JsonArray();
                foreach (var op in text.ToDelta())
                {
                    ops.Add(new JsonObject
                    {
                        ["i"] = Node(op.Insert),
                        ["a"] = op.Attributes is null ? null : new JsonObject(op.Attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Node(kv.Value)))),
                    });
                }
                return new JsonObject { ["$"] = text is YXmlText ? "xmltext" : "text", ["d"] = ops };
            case YXmlElement element:
                return new JsonObject
                {
                    ["$"] = "element:" + element.NodeName,
                    ["a"] = new JsonObject(element.GetAttributes().OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Node(kv.Value)))),
                    ["c"] = new JsonArray([.. element.Children().Select(Node)]),
                };
            case YXmlFragment fragment:
                return new JsonObject { ["$"] = "fragment", ["c"] = new JsonArray([.. fragment.Children().Select(Node)]) };
            case YMap map:
                return new JsonObject
                {
                    ["$"] = map is YXmlHook hook ? "hook:" + hook.HookName : "map",
                    ["e"] = new JsonObject(map.ToDictionary().OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Node(kv.Value)))),
                };
            case YArray array:
                return new JsonObject { ["$"] = "array", ["e"] = new JsonArray([.. array.ToArray().Select(Node)]) };
            case YSubdocument sub:
                return new JsonObject { ["$"] = "doc", ["g"] = sub.Guid };
            case Undefined:
                return new JsonObject { ["$"] = "undefined" };
            case null:
                return null;
            default:
                return JsonSerializer.SerializeToNode(value);
        }
    }
}
