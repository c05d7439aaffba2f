using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CrdtCollab.Property.Tests.Oracle;

namespace CrdtCollab.Property.Tests.Differential;

/// <summary>
/// One local edit, generated on the C# side and run either on a C# doc or (as the oracle's tagged
/// JSON) on a yjs doc. <see cref="Path"/> is the root name then map keys / array indices.
/// </summary>
public sealed class EditOp
{
    public required string Kind { get; init; }

    public required IReadOnlyList<object> Path { get; init; }

    public int Index { get; init; }

    public int Len { get; init; }

    public string? Text { get; init; }

    public string? Key { get; init; }

    public object? Value { get; init; }

    public IReadOnlyList<object?>? Values { get; init; }

    public IReadOnlyDictionary<string, object?>? Attrs { get; init; }

    private static readonly System.Text.Json.JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string? TypeTag(object v) => v is NewType t ? t.Kind : null;

    private static string Show(object? v) => Wire.ToWire(v, TypeTag)?.ToJsonString(Readable) ?? "null";

    public JsonObject ToWire()
    {
        var o = new JsonObject { ["op"] = Kind, ["path"] = new JsonArray(Path.Select(p => p is int i ? (JsonNode)i : (string)p).ToArray()) };
        switch (Kind)
        {
            case "text.insert":
                o["index"] = Index;
                o["text"] = Text;
                if (Attrs is not null)
                {
                    o["attrs"] = Wire.ToWire(Attrs);
                }

                break;
            case "text.insertEmbed":
                o["index"] = Index;
                o["embed"] = Wire.ToWire(Value);
                break;
            case "text.delete":
            case "array.delete":
                o["index"] = Index;
                o["len"] = Len;
                break;
            case "text.format":
                o["index"] = Index;
                o["len"] = Len;
                o["attrs"] = Wire.ToWire(Attrs);
                break;
            case "array.insert":
                o["index"] = Index;
                o["values"] = Wire.ToWire(Values, TypeTag);
                break;
            case "array.push":
                o["values"] = Wire.ToWire(Values, TypeTag);
                break;
            case "map.set":
                o["key"] = Key;
                o["value"] = Wire.ToWire(Value, TypeTag);
                break;
            case "map.delete":
            case "xml.removeAttribute":
                o["key"] = Key;
                break;
            case "xml.insert":
                o["index"] = Index;
                o["values"] = Wire.ToWire(Values, TypeTag);
                break;
            case "xml.delete":
                o["index"] = Index;
                o["len"] = Len;
                break;
            case "xml.setAttribute":
                o["key"] = Key;
                o["value"] = Wire.ToWire(Value);
                break;
            default:
                throw new InvalidOperationException(Kind);
        }

        return o;
    }

    /// <summary>Runs the edit on a C# doc (inside the caller's transaction).</summary>
    public void Apply(YDoc doc, IReadOnlyDictionary<string, string> roots)
    {
        var target = Resolve(doc, roots);
        switch (Kind)
        {
            case "text.insert":
                ((YText)target).Insert(Index, Text!, Attrs);
                break;
            case "text.insertEmbed":
                ((YText)target).InsertEmbed(Index, Value!);
                break;
            case "text.delete":
                ((YText)target).Delete(Index, Len);
                break;
            case "text.format":
                ((YText)target).Format(Index, Len, Attrs!);
                break;
            case "array.insert":
                ((YArray)target).Insert(Index, Values!.Select(ToEngine).ToArray());
                break;
            case "array.push":
                ((YArray)target).Push(Values!.Select(ToEngine).ToArray());
                break;
            case "array.delete":
                ((YArray)target).Delete(Index, Len);
                break;
            case "map.set":
                ((YMap)target).Set(Key!, ToEngine(Value));
                break;
            case "map.delete":
                ((YMap)target).Delete(Key!);
                break;
            case "xml.insert":
                ((YXmlFragment)target).Insert(Index, Values!.Select(v => (YType)ToEngine(v)!).ToArray());
                break;
            case "xml.delete":
                ((YXmlFragment)target).Delete(Index, Len);
                break;
            case "xml.setAttribute":
                ((YXmlElement)target).SetAttribute(Key!, Value);
                break;
            case "xml.removeAttribute":
                ((YXmlElement)target).RemoveAttribute(Key!);
                break;
            default:
                throw new InvalidOperationException(Kind);
        }
    }

    private YType Resolve(YDoc doc, IReadOnlyDictionary<string, string> roots)
    {
        var rootName = (string)Path[0];
        YType t = DocJson.Root(doc, rootName, roots[rootName]);
        foreach (var seg in Path.Skip(1))
        {
            var next = seg is int i
                ? t is YXmlFragment x ? x.Children()[i] : ((YArray)t).Get(i)
                : ((YMap)t).Get((string)seg);
            t = next as YType ?? throw new InvalidOperationException($"path {Describe(Path)}: {seg} is {next?.GetType().Name ?? "null"}, not a shared type");
        }

        return t;
    }

    private static object? ToEngine(object? v) => v switch
    {
        NewType { Kind: "map" } => new YMap(),
        NewType { Kind: "array" } => new YArray(),
        NewType { Kind: "text" } => new YText(),
        NewType { Kind: "xmlText" } => new YXmlText(),
        NewType t when t.Kind.StartsWith("xmlElement:", StringComparison.Ordinal) => new YXmlElement(t.Kind["xmlElement:".Length..]),
        NewType t => throw new InvalidOperationException(t.Kind),
        _ => v,
    };

    public override string ToString()
    {
        var sb = new StringBuilder(Kind).Append(' ').Append(Describe(Path));
        switch (Kind)
        {
            case "text.insert":
                sb.Append(" @").Append(Index).Append(' ').Append(Show(Text));
                if (Attrs is not null)
                {
                    sb.Append(' ').Append(Show(Attrs));
                }

                break;
            case "text.insertEmbed":
                sb.Append(" @").Append(Index).Append(' ').Append(Show(Value));
                break;
            case "text.delete":
            case "array.delete":
                sb.Append(" @").Append(Index).Append(" len ").Append(Len);
                break;
            case "text.format":
                sb.Append(" @").Append(Index).Append(" len ").Append(Len).Append(' ').Append(Show(Attrs));
                break;
            case "array.insert":
                sb.Append(" @").Append(Index).Append(' ').Append(Show(Values));
                break;
            case "array.push":
                sb.Append(' ').Append(Show(Values));
                break;
            case "map.set":
                sb.Append(' ').Append(Key).Append(" = ").Append(Show(Value));
                break;
            case "map.delete":
            case "xml.removeAttribute":
                sb.Append(' ').Append(Key);
                break;
            case "xml.insert":
                sb.Append(" @").Append(Index).Append(' ').Append(Show(Values));
                break;
            case "xml.delete":
                sb.Append(" @").Append(Index).Append(" len ").Append(Len);
                break;
            case "xml.setAttribute":
                sb.Append(' ').Append(Key).Append(" = ").Append(Show(Value));
                break;
        }

        return sb.ToString();
    }

    public static string Describe(IReadOnlyList<object> path) =>
        string.Join('/', path.Select(p => Convert.ToString(p, CultureInfo.InvariantCulture)));
}
