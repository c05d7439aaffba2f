using System.Collections;
using System.Numerics;

namespace CrdtCollab.Crdt.Internal.Lib0;

/// <summary>
/// The JavaScript view of the C# value representation shared by <see cref="AnyCodec"/>,
/// <see cref="JsJson"/> and awareness: null, <see cref="Undefined"/>, bool, numbers, BigInteger,
/// string, bytes, lists and string-keyed dictionaries. It answers the questions both encoders
/// must answer identically: which number a value is, what counts as bytes, and in which order
/// JavaScript enumerates an object's keys.
/// </summary>
internal static class JsValues
{
    /// <summary>
    /// Nesting limit for encoding and decoding. JS would overflow its stack somewhere past
    /// ten thousand levels; no legitimate document or awareness state nests this deep, and
    /// the cap keeps hostile input (and cyclic local values) from exhausting our stack.
    /// </summary>
    public const int MaxDepth = 1000;

    /// <summary>The largest array index JS recognises (2^32−2); "4294967295" is an ordinary key.</summary>
    private const uint MaxArrayIndex = uint.MaxValue - 1;

    /// <summary>
    /// Classifies a numeric CLR value. Integral types within <see cref="long"/> come back as
    /// <paramref name="integer"/> (with <paramref name="isInteger"/> set); every other number,
    /// including ulong above long.MaxValue and decimal, becomes the double a JS peer would hold.
    /// </summary>
    public static bool TryGetNumber(object? value, out double number, out long integer, out bool isInteger)
    {
        number = 0;
        integer = 0;
        isInteger = true;
        switch (value)
        {
            case int v: integer = v; return true;
            case long v: integer = v; return true;
            case short v: integer = v; return true;
            case byte v: integer = v; return true;
            case sbyte v: integer = v; return true;
            case ushort v: integer = v; return true;
            case uint v: integer = v; return true;
            case ulong v when v <= long.MaxValue: integer = (long)v; return true;
            case ulong v: isInteger = false; number = v; return true;
            case double v: isInteger = false; number = v; return true;
            case float v: isInteger = false; number = v; return true;
            case decimal v: isInteger = false; number = (double)v; return true;
            default: isInteger = false; return false;
        }
    }

    /// <summary>Recognises the byte-array representations (JS Uint8Array).</summary>
    public static bool TryGetBytes(object? value, out ReadOnlySpan<byte> bytes)
    {
        switch (value)
        {
            case byte[] a: bytes = a; return true;
            case ReadOnlyMemory<byte> m: bytes = m.Span; return true;
            case Memory<byte> m: bytes = m.Span; return true;
            case ArraySegment<byte> s: bytes = s.AsSpan(); return true;
            default: bytes = default; return false;
        }
    }

    /// <summary>
    /// Returns the properties of a dictionary value in JavaScript property order, or null when the
    /// value is not a dictionary. Non-string keys in a non-generic dictionary are rejected.
    /// </summary>
    public static List<KeyValuePair<string, object?>>? GetOrderedProperties(object? value)
    {
        List<KeyValuePair<string, object?>> entries;
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> ro:
                entries = new List<KeyValuePair<string, object?>>(ro.Count);
                foreach (var kv in ro)
                {
                    entries.Add(kv);
                }
                break;
            case IDictionary<string, object?> rw:
                entries = new List<KeyValuePair<string, object?>>(rw.Count);
                foreach (var kv in rw)
                {
                    entries.Add(kv);
                }
                break;
            case IDictionary nonGeneric:
                entries = new List<KeyValuePair<string, object?>>(nonGeneric.Count);
                foreach (DictionaryEntry e in nonGeneric)
                {
                    if (e.Key is not string key)
                    {
                        throw new ArgumentException($"Object keys must be strings, found {e.Key.GetType().Name}.", nameof(value));
                    }
                    entries.Add(new KeyValuePair<string, object?>(key, e.Value));
                }
                break;
            default:
                return null;
        }
        SortIntoJsOrder(entries);
        return entries;
    }

    /// <summary>
    /// Returns the elements of a list value, or null when the value is not array-like. Strings,
    /// bytes and dictionaries are not arrays even though they are enumerable.
    /// </summary>
    public static IList? GetArray(object? value)
    {
        switch (value)
        {
            case null:
            case string:
            case byte[]:
            case IDictionary:
            case IReadOnlyDictionary<string, object?>:
            case IDictionary<string, object?>:
                return null;
            case IList list:
                return list;
            case IEnumerable enumerable:
                var copy = new List<object?>();
                foreach (var item in enumerable)
                {
                    copy.Add(item);
                }
                return copy;
            default:
                return null;
        }
    }

    /// <summary>
    /// True for the canonical decimal spelling of an integer in [0, 2^32−2], which JS treats as
    /// an array index and enumerates before all other keys.
    /// </summary>
    public static bool IsArrayIndexKey(string key, out uint index)
    {
        index = 0;
        if (key.Length == 0 || key.Length > 10 || (key.Length > 1 && key[0] == '0'))
        {
            return false;
        }
        ulong v = 0;
        foreach (char c in key)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }
            v = (v * 10) + (ulong)(c - '0');
        }
        if (v > MaxArrayIndex)
        {
            return false;
        }
        index = (uint)v;
        return true;
    }

    /// <summary>
    /// Rebuilds a freshly decoded object in JS key order when its keys arrived out of that order
    /// (JS objects built by assignment, as lib0 and JSON.parse do, move index keys to the front).
    /// </summary>
    public static Dictionary<string, object?> ToJsOrder(Dictionary<string, object?> dict)
    {
        if (IsInJsOrder(dict.Keys))
        {
            return dict;
        }
        var entries = new List<KeyValuePair<string, object?>>(dict);
        SortIntoJsOrder(entries);
        var ordered = new Dictionary<string, object?>(entries.Count, StringComparer.Ordinal);
        foreach (var kv in entries)
        {
            ordered.Add(kv.Key, kv.Value);
        }
        return ordered;
    }

    /// <summary>True for JS falsy values: undefined, null, false, ±0, NaN and "" (and 0n).</summary>
    public static bool IsFalsy(object? value)
    {
        if (value is null or Undefined)
        {
            return true;
        }
        if (value is bool b)
        {
            return !b;
        }
        if (value is string s)
        {
            return s.Length == 0;
        }
        if (value is BigInteger big)
        {
            return big.IsZero;
        }
        if (TryGetNumber(value, out double d, out long l, out bool isInteger))
        {
            return isInteger ? l == 0 : d == 0 || double.IsNaN(d);
        }
        return false;
    }

    /// <summary>
    /// lib0's <c>equalityDeep</c> on this representation: numbers compare by JS value (so NaN is
    /// never equal to itself and 0 equals −0), objects compare by key set regardless of order,
    /// arrays and byte arrays element-wise.
    /// </summary>
    public static bool DeepEquals(object? a, object? b) => DeepEquals(a, b, 0);

    private static bool DeepEquals(object? a, object? b, int depth)
    {
        if (ReferenceEquals(a, b) && !IsNaN(a))
        {
            return true;
        }
        if (depth > MaxDepth)
        {
            throw new ArgumentException("Value nests too deeply to compare.");
        }
        if (a is null || b is null || a is Undefined || b is Undefined)
        {
            return false;
        }
        if (TryGetNumber(a, out double da, out long la, out bool ia))
        {
            if (!TryGetNumber(b, out double db, out long lb, out bool ib))
            {
                return false;
            }
            if (ia && ib)
            {
                return la == lb;
            }
            return (ia ? la : da) == (ib ? lb : db);
        }
        switch (a)
        {
            case bool boolA: return b is bool boolB && boolA == boolB;
            case string stringA: return b is string stringB && string.Equals(stringA, stringB, StringComparison.Ordinal);
            case BigInteger bigA: return b is BigInteger bigB && bigA == bigB;
        }
        if (TryGetBytes(a, out var bytesA))
        {
            return TryGetBytes(b, out var bytesB) && bytesA.SequenceEqual(bytesB);
        }
        var propsA = GetOrderedProperties(a);
        if (propsA is not null)
        {
            var propsB = GetOrderedProperties(b);
            if (propsB is null || propsA.Count != propsB.Count)
            {
                return false;
            }
            var lookup = new Dictionary<string, object?>(propsB.Count, StringComparer.Ordinal);
            foreach (var kv in propsB)
            {
                lookup[kv.Key] = kv.Value;
            }
            foreach (var kv in propsA)
            {
                // JS reads b[key]; a missing key reads as undefined.
                object? other = lookup.TryGetValue(kv.Key, out var v) ? v : Undefined.Value;
                if (!DeepEquals(kv.Value, other, depth + 1))
                {
                    return false;
                }
            }
            return true;
        }
        var arrayA = GetArray(a);
        if (arrayA is not null)
        {
            var arrayB = GetArray(b);
            if (arrayB is null || arrayA.Count != arrayB.Count)
            {
                return false;
            }
            for (int i = 0; i < arrayA.Count; i++)
            {
                if (!DeepEquals(arrayA[i], arrayB[i], depth + 1))
                {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static bool IsNaN(object? value) =>
        value switch
        {
            double d => double.IsNaN(d),
            float f => float.IsNaN(f),
            _ => false,
        };

    private static bool IsInJsOrder(IEnumerable<string> keys)
    {
        bool seenOther = false;
        long previousIndex = -1;
        foreach (var key in keys)
        {
            if (IsArrayIndexKey(key, out uint index))
            {
                if (seenOther || index <= previousIndex)
                {
                    return false;
                }
                previousIndex = index;
            }
            else
            {
                seenOther = true;
            }
        }
        return true;
    }

    private static void SortIntoJsOrder(List<KeyValuePair<string, object?>> entries)
    {
        if (IsInJsOrder(entries.Select(e => e.Key)))
        {
            return;
        }
        // Index keys first, ascending; everything else keeps insertion order (a stable partition).
        var indexed = new List<(uint Index, KeyValuePair<string, object?> Entry)>();
        var others = new List<KeyValuePair<string, object?>>();
        foreach (var e in entries)
        {
            if (IsArrayIndexKey(e.Key, out uint index))
            {
                indexed.Add((index, e));
            }
            else
            {
                others.Add(e);
            }
        }
        indexed.Sort(static (x, y) => x.Index.CompareTo(y.Index));
        entries.Clear();
        foreach (var (_, e) in indexed)
        {
            entries.Add(e);
        }
        entries.AddRange(others);
    }
}
