using System.Text.Json.Nodes;

namespace CrdtCollab.Property.Tests.Differential;

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
