using System.Text;
using CrdtCollab.Crdt.Internal.Content;

namespace CrdtCollab.Crdt.Types;

/// <summary>Shared text inside an XML tree; formatting attributes serialise as nested elements.</summary>
public sealed class YXmlText : YText
{
    internal override int TypeRef => ContentType.YXmlTextRef;

    internal override YType CreateEmpty() => new YXmlText();

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var op in ToDelta())
        {
            // Each attribute is a wrapping element; its value's for…in keys are the element's
            // attributes (so a string value enumerates its characters, as in Yjs).
            var nodes = (op.Attributes ?? new Dictionary<string, object?>())
                .Select(kv => (Name: kv.Key, Attrs: JsText.ForIn(kv.Value).OrderBy(a => a.Key, StringComparer.Ordinal).ToList()))
                .OrderBy(n => n.Name, StringComparer.Ordinal)
                .ToList();
            foreach (var (name, attrs) in nodes)
            {
                sb.Append('<').Append(name);
                foreach (var (key, value) in attrs)
                {
                    sb.Append(' ').Append(key).Append("=\"").Append(JsText.ToJsString(value)).Append('"');
                }
                sb.Append('>');
            }
            sb.Append(JsText.ToJsString(op.Insert));
            for (int i = nodes.Count - 1; i >= 0; i--)
            {
                sb.Append("</").Append(nodes[i].Name).Append('>');
            }
        }
        return sb.ToString();
    }

    /// <inheritdoc />
    public override object? ToJsonValue() => ToString();
}
