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

/// <summary>A text's visible UTF-16 units (embeds as U+FFFC), so ops can avoid splitting surrogate pairs.</summary>
public sealed class TextShape : Shape
{
    public System.Text.StringBuilder Str { get; set; } = new();

    public int Len => Str.Length;

    /// <summary>False between the halves of a surrogate pair.</summary>
    public bool IsBoundary(int i) => i <= 0 || i >= Str.Length || !(char.IsHighSurrogate(Str[i - 1]) && char.IsLowSurrogate(Str[i]));

    public override Shape Clone() => new TextShape { Str = new System.Text.StringBuilder(Str.ToString()) };
}

public sealed class ArrayShape : Shape
{
    public List<Shape?> Items { get; set; } = [];

    public override Shape Clone() => new ArrayShape { Items = Items.Select(i => i?.Clone()).ToList() };
}

public sealed class MapShape : Shape
{
    public SortedDictionary<string, Shape?> Entries { get; set; } = new(StringComparer.Ordinal);

    public override Shape Clone() => new MapShape { Entries = new SortedDictionary<string, Shape?>(Entries.ToDictionary(kv => kv.Key, kv => kv.Value?.Clone()), StringComparer.Ordinal) };
}

/// <summary>An XML fragment or element: child nodes (elements, or texts as <see cref="TextShape"/>) and attribute names.</summary>
public sealed class XmlShape : Shape
{
    public bool IsElement { get; set; }

    public List<Shape?> Children { get; set; } = [];

    public SortedSet<string> Attrs { get; set; } = new(StringComparer.Ordinal);

    public override Shape Clone() => new XmlShape { IsElement = IsElement, Children = Children.Select(c => c?.Clone()).ToList(), Attrs = new SortedSet<string>(Attrs, StringComparer.Ordinal) };
}

/// <summary>The shapes of a doc's roots.</summary>
public sealed class DocShape
{
    public SortedDictionary<string, Shape> Roots { get; } = new(StringComparer.Ordinal);

    public DocShape Clone()
    {
        var c = new DocShape();
        foreach (var (k, v) in Roots)
        {
            c.Roots[k] = v.Clone();
        }

        return c;
    }

    public static DocShape FromDoc(YDoc doc, IReadOnlyDictionary<string, string> roots)
    {
        var s = new DocShape();
        foreach (var (name, kind) in roots)
        {
            s.Roots[name] = Shape.FromType(Oracle.DocJson.Root(doc, name, kind))!;
        }

        return s;
    }

    public static DocShape FromWire(JsonNode n)
    {
        var s = new DocShape();
        foreach (var (name, v) in n.AsObject())
        {
            s.Roots[name] = Shape.FromWire(v)!;
        }

        return s;
    }
}
