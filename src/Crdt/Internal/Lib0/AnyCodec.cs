using System.Collections;
using System.Numerics;

namespace CrdtCollab.Crdt.Internal.Lib0;

/// <summary>
/// The lib0 "Any" encoding (spec §1.6). Decoded values use the shared representation: null,
/// <see cref="Undefined"/>, bool, long (int tag), double (float tags and the int tag's −0),
/// <see cref="BigInteger"/>, string, byte[], <see cref="List{T}"/> of object? and
/// <see cref="Dictionary{TKey, TValue}"/> of string → object?. Numbers are encoded by value,
/// never by the tag they arrived with, because that is what yjs does.
/// </summary>
internal static class AnyCodec
{
    public const byte TagUndefined = 127;
    public const byte TagNull = 126;
    public const byte TagInteger = 125;
    public const byte TagFloat32 = 124;
    public const byte TagFloat64 = 123;
    public const byte TagBigInt = 122;
    public const byte TagFalse = 121;
    public const byte TagTrue = 120;
    public const byte TagString = 119;
    public const byte TagObject = 118;
    public const byte TagArray = 117;
    public const byte TagBytes = 116;

    private static readonly double CanonicalNaN = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0000);

    /// <summary>lib0 writes integers up to 2^31−1 in magnitude with the int tag (BITS31).</summary>
    private const long MaxIntTagMagnitude = int.MaxValue;

    /// <summary>
    /// Collections start at most this large: a declared count is only an upper bound (checked
    /// against the remaining bytes), and nested hostile counts must not each reserve that bound.
    /// </summary>
    private const int MaxInitialCapacity = 16;

    /// <summary>Reads one Any value.</summary>
    public static object? Read(ref Lib0Reader r) => Read(ref r, 0);

    /// <summary>Writes one Any value; throws <see cref="ArgumentException"/> for values JS could not hold.</summary>
    public static void Write(Lib0Writer w, object? value) => Write(w, value, 0);

    private static object? Read(ref Lib0Reader r, int depth)
    {
        int start = r.Position;
        byte tag = r.ReadByte();
        switch (tag)
        {
            case TagUndefined:
                return Undefined.Value;
            case TagNull:
                return null;
            case TagInteger:
                long v = r.ReadVarInt(out bool negativeZero);
                return negativeZero ? (object)(-0.0) : v;
            case TagFloat32:
                return (double)r.ReadFloat32();
            case TagFloat64:
                return r.ReadFloat64();
            case TagBigInt:
                return new BigInteger(r.ReadBigInt64());
            case TagFalse:
                return false;
            case TagTrue:
                return true;
            case TagString:
                return r.ReadVarString();
            case TagObject:
                return ReadObject(ref r, depth, start);
            case TagArray:
                return ReadArray(ref r, depth, start);
            case TagBytes:
                return r.ReadVarBytes().ToArray();
            default:
                ThrowHelper.Format($"unknown Any tag {tag} (0x{tag:x2})", start);
                return null;
        }
    }

    private static Dictionary<string, object?> ReadObject(ref Lib0Reader r, int depth, int start)
    {
        CheckDepth(depth, start);
        // Each entry needs at least a key length byte and a value tag.
        int count = r.ReadCount(2);
        var dict = new Dictionary<string, object?>(Math.Min(count, MaxInitialCapacity), StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string key = r.ReadVarString();
            // Assignment, as in JS: a repeated key keeps its first position and takes the last value.
            dict[key] = Read(ref r, depth + 1);
        }
        return JsValues.ToJsOrder(dict);
    }

    private static List<object?> ReadArray(ref Lib0Reader r, int depth, int start)
    {
        CheckDepth(depth, start);
        int count = r.ReadCount(1);
        var list = new List<object?>(Math.Min(count, MaxInitialCapacity));
        for (int i = 0; i < count; i++)
        {
            list.Add(Read(ref r, depth + 1));
        }
        return list;
    }

    private static void CheckDepth(int depth, int offset)
    {
        if (depth >= JsValues.MaxDepth)
        {
            ThrowHelper.Format($"Any value nests deeper than {JsValues.MaxDepth} levels", offset);
        }
    }

    private static void Write(Lib0Writer w, object? value, int depth)
    {
        switch (value)
        {
            case null:
                w.WriteByte(TagNull);
                return;
            case Undefined:
                w.WriteByte(TagUndefined);
                return;
            case bool b:
                w.WriteByte(b ? TagTrue : TagFalse);
                return;
            case string s:
                w.WriteByte(TagString);
                w.WriteVarString(s);
                return;
            case BigInteger big:
                w.WriteByte(TagBigInt);
                // BigInt64 semantics: the value modulo 2^64, read back as signed.
                w.WriteBigInt64(unchecked((long)(ulong)(big & ulong.MaxValue)));
                return;
        }
        if (JsValues.TryGetNumber(value, out double number, out long integer, out bool isInteger))
        {
            if (isInteger)
            {
                WriteInteger(w, integer);
            }
            else
            {
                WriteNumber(w, number);
            }
            return;
        }
        if (JsValues.TryGetBytes(value, out var bytes))
        {
            w.WriteByte(TagBytes);
            w.WriteVarBytes(bytes);
            return;
        }
        if (depth >= JsValues.MaxDepth)
        {
            throw new ArgumentException($"Value nests deeper than {JsValues.MaxDepth} levels (or is cyclic).", nameof(value));
        }
        var properties = JsValues.GetOrderedProperties(value);
        if (properties is not null)
        {
            w.WriteByte(TagObject);
            w.WriteVarUint(properties.Count);
            foreach (var kv in properties)
            {
                w.WriteVarString(kv.Key);
                Write(w, kv.Value, depth + 1);
            }
            return;
        }
        IList? array = JsValues.GetArray(value);
        if (array is not null)
        {
            w.WriteByte(TagArray);
            w.WriteVarUint(array.Count);
            foreach (var item in array)
            {
                Write(w, item, depth + 1);
            }
            return;
        }
        throw new ArgumentException($"Type {value!.GetType().FullName} has no lib0 Any encoding.", nameof(value));
    }

    private static void WriteInteger(Lib0Writer w, long value)
    {
        if (value >= -MaxIntTagMagnitude && value <= MaxIntTagMagnitude)
        {
            w.WriteByte(TagInteger);
            w.WriteVarInt(value);
            return;
        }
        // A JS peer holds this as a double; apply the same float rules to that double.
        WriteFloat(w, value);
    }

    private static void WriteNumber(Lib0Writer w, double value)
    {
        if (Math.Abs(value) <= MaxIntTagMagnitude && Math.Floor(value) == value)
        {
            w.WriteByte(TagInteger);
            w.WriteVarInt((long)value, negativeZero: value == 0 && double.IsNegative(value));
            return;
        }
        WriteFloat(w, value);
    }

    private static void WriteFloat(Lib0Writer w, double value)
    {
        // lib0's isFloat32: survives a float32 round trip (NaN never compares equal, so it goes to float64).
        float single = (float)value;
        if (single == value)
        {
            w.WriteByte(TagFloat32);
            w.WriteFloat32(single);
        }
        else
        {
            w.WriteByte(TagFloat64);
            // .NET's double.NaN has the sign bit set; JS engines produce 7ff8000000000000.
            w.WriteFloat64(double.IsNaN(value) ? CanonicalNaN : value);
        }
    }
}
