using CrdtCollab.Crdt.Internal.Content;
using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt.Types;

/// <summary>A shared XML element: a node name, attributes (a map) and child nodes (a list).</summary>
public sealed class YXmlElement : YXmlFragment
{
    /// <summary>Creates a preliminary element with the given node name.</summary>
    public YXmlElement(string nodeName = "UNDEFINED") => NodeName = nodeName;

    /// <summary>The element's node name.</summary>
    public string NodeName { get; }

    internal override int TypeRef => ContentType.YXmlElementRef;

    internal override YType CreateEmpty() => new YXmlElement(NodeName);

    internal override void WriteTypeExtra(Lib0Writer writer) => writer.WriteVarString(NodeName);

    /// <summary>Sets an attribute.</summary>
    public void SetAttribute(string name, object? value) =>
        Transact(tr => ListOps.NewItem(tr, tr.Doc, this, Map.GetValueOrDefault(name), null, name, ValueContent.ForMapValue(value)));

    /// <summary>Removes an attribute.</summary>
    public void RemoveAttribute(string name) => Transact(tr =>
    {
        if (Map.TryGetValue(name, out var item))
        {
            item.Delete(tr);
        }
    });

    /// <summary>The attribute value, or null.</summary>
    public object? GetAttribute(string name) =>
        Map.TryGetValue(name, out var item) && !item.Deleted ? YMap.LastValue(item) : null;

    /// <summary>All current attributes.</summary>
    public IReadOnlyDictionary<string, object?> GetAttributes()
    {
        var result = new Dictionary<string, object?>();
        foreach (var (key, item) in Map)
        {
            if (!item.Deleted)
            {
                result[key] = YMap.LastValue(item);
            }
        }
        return result;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var attrs = GetAttributes().OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}=\"{JsText.ToJsString(kv.Value)}\"");
        string attrText = string.Join(' ', attrs);
        string name = NodeName.ToLowerInvariant();
        return $"<{name}{(attrText.Length > 0 ? " " + attrText : "")}>{base.ToString()}</{name}>";
    }
}
