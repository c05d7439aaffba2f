using System.Text.Json.Nodes;

namespace CrdtCollab.Property.Tests.Differential;

/// <summary>
/// What the op generator needs to know about a doc: text lengths (UTF-16 units), array elements
/// and map keys, and which of them are nested shared types. Mutable so a transaction's ops can be
/// simulated one after another.
/// </summary>
public abstract class Shape
{
    public abstract Shape Clone();

    public static Shape? FromType(object? v) => v switch
    {
        YText t => new TextShape { Str = new System.Text.StringBuilder(string.Concat(t.ToDelta().Select(op => op.Insert as string ?? "\uFFFC"))) },
        YArray a => new ArrayShape { Items = a.ToArray().Select(FromType).ToList() },
        YXmlFragment x => new XmlShape
        {
            IsElement = x is YXmlElement,
            Children = x.Children().Select(FromType).ToList(),
            Attrs = x is YXmlElement e ? new SortedSet<string>(e.GetAttributes().Keys, StringComparer.Ordinal) : new SortedSet<string>(StringComparer.Ordinal),
        },
        YMap m => new MapShape { Entries = new SortedDictionary<string, Shape?>(m.Keys.ToDictionary(k => k, k => FromType(m.Get(k))), StringComparer.Ordinal) },
        _ => null,
    };

    public static Shape? FromWire(JsonNode? n)
    {
        if (n is null)
        {
            return null;
        }

        return (string)n["k"]! switch
        {
            "text" => new TextShape { Str = new System.Text.StringBuilder((string)n["str"]!) },
            "array" => new ArrayShape { Items = n["items"]!.AsArray().Select(FromWire).ToList() },
            "xml" => new XmlShape
            {
                IsElement = n["el"]!.GetValue<bool>(),
                Children = n["children"]!.AsArray().Select(FromWire).ToList(),
                Attrs = new SortedSet<string>(n["attrs"]!.AsArray().Select(a => (string)a!), StringComparer.Ordinal),
            },
            "map" => new MapShape { Entries = new SortedDictionary<string, Shape?>(n["entries"]!.AsObject().ToDictionary(kv => kv.Key, kv => FromWire(kv.Value)), StringComparer.Ordinal) },
            _ => null,
        };
    }

    public static Shape? FromNew(object? v) => v switch
    {
        NewType { Kind: "text" } => new TextShape(),
        NewType { Kind: "array" } => new ArrayShape(),
        NewType { Kind: "map" } => new MapShape(),
        NewType { Kind: "xmlText" } => new TextShape(),
        NewType t when t.Kind.StartsWith("xmlElement:", StringComparison.Ordinal) => new XmlShape { IsElement = true },
        _ => null,
    };
}
