using System.Text;
using System.Text.Json;
using CrdtCollab.Crdt;

namespace CrdtCollab.Property.Tests.Oracle;

/// <summary>The C# counterpart of the oracle's <c>json</c> op: <c>{root: toJSON(root), …}</c> for declared roots.</summary>
public static class DocJson
{
    /// <summary>Root kinds as the oracle names them: text, array, map, xml.</summary>
    public static YType Root(YDoc doc, string name, string kind) => kind switch
    {
        "text" => doc.GetText(name),
        "array" => doc.GetArray(name),
        "map" => doc.GetMap(name),
        "xml" or "xmlFragment" => doc.GetXmlFragment(name),
        _ => throw new ArgumentException($"unknown root kind {kind}"),
    };

    /// <summary>A text's delta as the oracle's tagged JSON (<c>[{"insert":…,"attributes":{…}}]</c>).</summary>
    public static string Delta(YText text)
    {
        var ops = new System.Text.Json.Nodes.JsonArray();
        foreach (var op in text.ToDelta())
        {
            var o = new System.Text.Json.Nodes.JsonObject { ["insert"] = Wire.ToWire(op.Insert) };
            if (op.Attributes is { Count: > 0 } attrs)
            {
                o["attributes"] = Wire.ToWire(attrs.ToDictionary(kv => kv.Key, kv => kv.Value));
            }

            ops.Add(o);
        }

        return ops.ToJsonString();
    }

    /// <summary>JSON text of the given roots, in the given order, each from <see cref="YType.ToJson"/>.</summary>
    public static string Of(YDoc doc, IEnumerable<KeyValuePair<string, string>> roots)
    {
        var sb = new StringBuilder("{");
        foreach (var (name, kind) in roots)
        {
            if (sb.Length > 1)
            {
                sb.Append(',');
            }

            sb.Append(JsonSerializer.Serialize(name)).Append(':').Append(Root(doc, name, kind).ToJson());
        }

        return sb.Append('}').ToString();
    }
}
