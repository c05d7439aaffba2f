using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Internal.Lib0;
using FsCheck;
using FsCheck.Fluent;

namespace CrdtCollab.Property.Tests.Lib0;

/// <summary>Hex, a strict structural dump, and FsCheck generators for the shared value representation.</summary>
internal static class TestValues
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    public static byte[] EncodeAny(object? value)
    {
        using var w = new Lib0Writer();
        AnyCodec.Write(w, value);
        return w.ToArray();
    }

    public static object? DecodeAny(byte[] bytes)
    {
        var r = new Lib0Reader(bytes);
        var v = AnyCodec.Read(ref r);
        if (r.HasContent)
        {
            throw new InvalidOperationException("trailing bytes");
        }
        return v;
    }

    /// <summary>A type-exact dump: long vs double, key order, and double bits all matter.</summary>
    public static string Dump(object? v)
    {
        var sb = new StringBuilder();
        Dump(sb, v);
        return sb.ToString();
    }

    private static void Dump(StringBuilder sb, object? v)
    {
        switch (v)
        {
            case null: sb.Append("null"); break;
            case Undefined: sb.Append("undefined"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long l: sb.Append('L').Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d when double.IsNaN(d): sb.Append("NaN"); break;
            case double d: sb.Append('D').Append(BitConverter.DoubleToInt64Bits(d).ToString("x", CultureInfo.InvariantCulture)); break;
            case BigInteger n: sb.Append('N').Append(n.ToString(CultureInfo.InvariantCulture)); break;
            case string s: sb.Append('S').Append(string.Join(',', s.Select(c => ((int)c).ToString("x", CultureInfo.InvariantCulture)))); break;
            case byte[] bytes: sb.Append('B').Append(ToHex(bytes)); break;
            case List<object?> list:
                sb.Append('[');
                foreach (var item in list)
                {
                    Dump(sb, item);
                    sb.Append(';');
                }
                sb.Append(']');
                break;
            case Dictionary<string, object?> dict:
                sb.Append('{');
                foreach (var kv in dict)
                {
                    sb.Append(kv.Key).Append(':');
                    Dump(sb, kv.Value);
                    sb.Append(';');
                }
                sb.Append('}');
                break;
            default: throw new InvalidOperationException($"unexpected {v.GetType()}");
        }
    }

    public static string GoldenPath(string file, [CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "golden", file);

    private static readonly string[] StringPieces = ["a", "b", "key", "0", "1", "10", "é", "\u2028", "\"", "\\", "\n", "\u0001", "😀", " ", "<>&/", "4294967295", "01"];

    /// <summary>Well-formed strings (lone surrogates do not survive UTF-8 and are tested separately).</summary>
    public static Gen<string> Strings { get; } =
        Gen.Elements(StringPieces).ListOf().Select(parts => string.Concat(parts.Take(6)));

    public static Gen<double> AnyDouble { get; } =
        Gen.Choose(int.MinValue, int.MaxValue).Two().Select(t => BitConverter.Int64BitsToDouble(((long)t.Item1 << 32) | (uint)t.Item2));

    /// <summary>
    /// Values in the form <see cref="AnyCodec.Read"/> produces, so Read(Write(v)) must dump identically:
    /// int-tag numbers as long, everything else that is a number as a double that is not a small integer.
    /// </summary>
    public static Gen<object?> CanonicalAny(bool json) => Gen.Sized(size => CanonicalAny(Math.Min(size, 12), json));

    private static Gen<object?> CanonicalAny(int size, bool json)
    {
        var leaves = new List<Gen<object?>>
        {
            Gen.Constant<object?>(null),
            Gen.Elements(true, false).Select(b => (object?)b),
            Gen.Choose(int.MinValue + 1, int.MaxValue).Select(i => (object?)(long)i),
            Gen.Choose(-100, 100).Select(i => (object?)(long)i),
            AnyDouble.Where(d => !(Math.Floor(d) == d && Math.Abs(d) <= int.MaxValue) || (d == 0 && double.IsNegative(d)))
                .Where(d => !json || double.IsFinite(d)).Select(d => (object?)d),
            Gen.Choose(-1000, 1000).Select(i => (object?)(i / 8.0)).Where(o => (double)o! % 1 != 0),
            Strings.Select(s => (object?)s),
        };
        if (!json)
        {
            leaves.Add(Gen.Constant<object?>(Undefined.Value));
            leaves.Add(Gen.Choose(int.MinValue, int.MaxValue).Select(i => (object?)new BigInteger((long)i * 3_000_000_007L)));
            leaves.Add(Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf().Select(a => (object?)a));
        }
        var leaf = Gen.OneOf(leaves);
        if (size <= 1)
        {
            return leaf;
        }
        var child = CanonicalAny(size / 2, json);
        var list = child.ListOf().Select(items => (object?)items.Take(5).ToList());
        var dict = Gen.Zip(Strings, child).ListOf().Select(pairs =>
        {
            var d = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (k, v) in pairs.Take(5))
            {
                d[k] = v;
            }
            return (object?)JsValues.ToJsOrder(d);
        });
        return Gen.Frequency((4, leaf), (1, list), (1, dict));
    }
}
