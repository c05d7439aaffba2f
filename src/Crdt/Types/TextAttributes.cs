using System.Collections;

namespace CrdtCollab.Crdt.Types;

/// <summary>Attribute value comparisons with JavaScript semantics (=== and Yjs's shallow object check).</summary>
internal static class TextAttributes
{
    /// <summary>JS <c>===</c>: primitives by value, objects and arrays by reference.</summary>
    public static bool StrictEquals(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }
        if (IsNumber(a) && IsNumber(b))
        {
            return Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture) == Convert.ToDouble(b, System.Globalization.CultureInfo.InvariantCulture);
        }
        return a switch
        {
            string s => b is string t && s == t,
            bool x => b is bool y && x == y,
            Undefined => b is Undefined,
            _ => ReferenceEquals(a, b),
        };
    }

    /// <summary>Yjs <c>equalAttrs</c>: strict equality, or two objects with strictly equal members.</summary>
    public static bool EqualAttrs(object? a, object? b)
    {
        if (StrictEquals(a, b))
        {
            return true;
        }
        if (a is IDictionary<string, object?> da && b is IDictionary<string, object?> db)
        {
            return FlatEquals(da, db);
        }
        if (a is IList la && b is IList lb)
        {
            // lib0's equalFlat treats arrays as objects keyed by index.
            if (la.Count != lb.Count)
            {
                return false;
            }
            for (int i = 0; i < la.Count; i++)
            {
                if (!StrictEquals(la[i], lb[i]))
                {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static bool FlatEquals(IDictionary<string, object?> a, IDictionary<string, object?> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) && value is not Undefined)
            {
                return false;
            }
            if (!StrictEquals(value, other))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsNumber(object o) =>
        o is int or long or double or float or short or byte or sbyte or uint or ulong or ushort or decimal;
}
