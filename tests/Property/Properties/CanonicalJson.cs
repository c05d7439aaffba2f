using System.Text;

namespace CrdtCollab.Property.Tests.Properties;

/// <summary>
/// Rewrites JSON text with every object's members sorted by key (raw token text, ordinal).
/// Yjs's <c>YMap.toJSON</c> lists keys in the order the replica first integrated them (a JS
/// <c>Map</c>), so two converged replicas can print the same map with different key orders;
/// the content, not the order, is what must agree.
/// </summary>
internal static class CanonicalJson
{
    public static string Of(string json)
    {
        int i = 0;
        var sb = new StringBuilder(json.Length);
        Value(json, ref i, sb);
        return sb.ToString();
    }

    private static void Value(string s, ref int i, StringBuilder sb)
    {
        switch (s[i])
        {
            case '{':
            {
                i++;
                var members = new List<(string Key, string Value)>();
                while (s[i] != '}')
                {
                    string key = StringToken(s, ref i);
                    i++; // ':'
                    var v = new StringBuilder();
                    Value(s, ref i, v);
                    members.Add((key, v.ToString()));
                    if (s[i] == ',')
                    {
                        i++;
                    }
                }
                i++;
                sb.Append('{').AppendJoin(',', members.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => m.Key + ":" + m.Value)).Append('}');
                break;
            }
            case '[':
            {
                i++;
                sb.Append('[');
                bool first = true;
                while (s[i] != ']')
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }
                    first = false;
                    Value(s, ref i, sb);
                    if (s[i] == ',')
                    {
                        i++;
                    }
                }
                i++;
                sb.Append(']');
                break;
            }
            case '"':
                sb.Append(StringToken(s, ref i));
                break;
            default:
            {
                int start = i;
                while (i < s.Length && s[i] is not (',' or ']' or '}'))
                {
                    i++;
                }
                sb.Append(s, start, i - start);
                break;
            }
        }
    }

    private static string StringToken(string s, ref int i)
    {
        int start = i++;
        while (s[i] != '"')
        {
            i += s[i] == '\\' ? 2 : 1;
        }
        i++;
        return s[start..i];
    }
}
