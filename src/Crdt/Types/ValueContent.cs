using System.Collections;
using System.Numerics;
using CrdtCollab.Crdt.Internal.Content;

namespace CrdtCollab.Crdt.Types;

/// <summary>Chooses the content kind for a value a user inserts, as Yjs does (§3.6).</summary>
internal static class ValueContent
{
    /// <summary>Content for a list value that cannot be packed with plain values, or null if it is plain.</summary>
    public static ItemContent? ForListValue(object? value)
    {
        switch (value)
        {
            case byte[] bytes:
                return new ContentBinary(bytes);
            case YSubdocument sub:
                return new ContentDoc(sub);
            case YType type:
                return new ContentType(RequirePreliminary(type));
            case Undefined:
            case BigInteger:
                // Yjs rejects these in list inserts ("Unexpected content type").
                throw new ArgumentException($"a {value.GetType().Name} value cannot be inserted into a list; only maps accept it", nameof(value));
            default:
                CheckPlain(value);
                return null;
        }
    }

    /// <summary>Content for a map value: one item per value.</summary>
    public static ItemContent ForMapValue(object? value) => value switch
    {
        byte[] bytes => new ContentBinary(bytes),
        YSubdocument sub => new ContentDoc(sub),
        YType type => new ContentType(RequirePreliminary(type)),
        _ => new ContentAny([NormalizePlain(CheckPlain(value))]),
    };

    public static object? NormalizePlain(object? value) => value;

    private static object? CheckPlain(object? value)
    {
        switch (value)
        {
            case null or string or bool or Undefined or BigInteger:
            case int or long or short or sbyte or byte or uint or ulong or ushort or float or double or decimal:
            case IDictionary or IEnumerable:
                return value;
            default:
                throw new ArgumentException($"values of type {value.GetType().Name} cannot be stored; use JSON-like values, byte[], YSubdocument or a shared type", nameof(value));
        }
    }

    private static YType RequirePreliminary(YType type)
    {
        if (type.DocInternal is not null)
        {
            throw new InvalidOperationException("This shared type is already part of a document; insert a new instance instead.");
        }
        return type;
    }

    /// <summary>The value a reader sees: nested types as themselves, everything else as stored.</summary>
    public static object? ToJsonValue(object? value) => value is YType t ? t.ToJsonValue() : value is YSubdocument ? new Dictionary<string, object?>() : value;
}
