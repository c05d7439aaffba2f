using System.Collections;
using System.Text;
using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt.Types;

/// <summary>
/// JavaScript's string conversion and <c>for…in</c> enumeration, which Yjs's XML
/// <c>toString</c> relies on (a string-valued formatting attribute enumerates its characters).
/// </summary>
internal static class JsText
{
    /// <summary><c>String(value)</c> / template-literal conversion.</summary>
    public static string ToJsString(object? value)
    {
        switch (value)
        {
            case null:
                return "null";
            case Undefined:
                return "undefined";
            case string s:
                return s;
            case bool b:
                return b ? "true" : "false";
            case YType t:
                return t.ToString() ?? "";
        }
        if (JsValues.TryGetNumber(value, out double number, out long integer, out bool isInteger))
        {
            return isInteger ? integer.ToString(System.Globalization.CultureInfo.InvariantCulture) : JsJson.FormatNumber(number);
        }
        if (JsValues.TryGetBytes(value, out var bytes))
        {
            return string.Join(',', bytes.ToArray());
        }
        if (JsValues.GetArray(value) is { } list)
        {
            var sb = new StringBuilder();
            for (int i = 0; i < list.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }
                if (list[i] is not null and not Undefined)
                {
                    sb.Append(ToJsString(list[i]));
                }
            }
            return sb.ToString();
        }
        return "[object Object]";
    }

    /// <summary>The (key, value) pairs <c>for (key in value)</c> visits, in JS order.</summary>
    public static List<KeyValuePair<string, object?>> ForIn(object? value)
    {
        var result = new List<KeyValuePair<string, object?>>();
        switch (value)
        {
            case string s:
                for (int i = 0; i < s.Length; i++)
                {
                    result.Add(new(i.ToString(System.Globalization.CultureInfo.InvariantCulture), s[i].ToString()));
                }
                return result;
            case null or Undefined or bool:
                return result;
        }
        if (JsValues.TryGetNumber(value, out _, out _, out _))
        {
            return result;
        }
        if (JsValues.GetOrderedProperties(value) is { } props)
        {
            return props;
        }
        if (value is IList list)
        {
            for (int i = 0; i < list.Count; i++)
            {
                result.Add(new(i.ToString(System.Globalization.CultureInfo.InvariantCulture), list[i]));
            }
        }
        return result;
    }
}
