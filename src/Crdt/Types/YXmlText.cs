using System.Globalization;
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
            var nodes = (op.Attributes ?? new Dictionary<string, object?>()).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
            foreach (var (node, attrs) in nodes)
            {
                sb.Append('<').Append(node);
                if (attrs is IDictionary<string, object?> map)
                {
                    foreach (var (k, v) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    {
                        sb.Append(' ').Append(k).Append("=\"").Append(Convert.ToString(v, CultureInfo.InvariantCulture)).Append('"');
                    }
                }
                sb.Append('>');
            }
            sb.Append(op.Insert?.ToString());
            for (int i = nodes.Count - 1; i >= 0; i--)
            {
                sb.Append("</").Append(nodes[i].Key).Append('>');
            }
        }
        return sb.ToString();
    }

    /// <inheritdoc />
    public override object? ToJsonValue() => ToString();
}
