using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrdtCollab.Crdt;

namespace CrdtCollab.Property.Tests.Oracle;

/// <summary>
/// Value plumbing between C# and the oracle: hex, the tagged JSON of spec §11.1
/// (<c>$bin $bigint $undefined $f64 $type</c>), and the sorted-key canonical JSON used to compare
/// documents whose Y.Map key order legitimately differs.
/// </summary>
public static class Wire
{
    private static readonly JsonWriterOptions CanonicalWriter = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Hex(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }

            sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    public static byte[] FromHex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>A C# content value as tagged JSON. <paramref name="typeTag"/> maps shared-type instances (or markers) to a <c>$type</c> kind.</summary>
    public static JsonNode? ToWire(object? v, Func<object, string?>? typeTag = null)
    {
        switch (v)
        {
            case null:
                return null;
            case Undefined:
                return new JsonObject { ["$undefined"] = true };
            case bool b:
                return b;
            case string s:
                return s;
            case int i:
                return i;
            case long l:
                return l;
            case uint u:
                return u;
            case double d:
                return Number(d);
            case float f:
                return Number(f);
            case BigInteger big:
                return new JsonObject { ["$bigint"] = big.ToString(CultureInfo.InvariantCulture) };
            case byte[] bin:
                return new JsonObject { ["$bin"] = Convert.ToBase64String(bin) };
            case IDictionary<string, object?> dict:
                var o = new JsonObject();
                foreach (var (k, x) in dict)
                {
                    o[k] = ToWire(x, typeTag);
                }

                return o;
            case System.Collections.IEnumerable list:
                var a = new JsonArray();
                foreach (var x in list)
                {
                    a.Add(ToWire(x, typeTag));
                }

                return a;
            default:
                if (typeTag?.Invoke(v) is { } kind)
                {
                    return new JsonObject { ["$type"] = kind };
                }

                throw new ArgumentException($"no wire form for {v.GetType()}");
        }
    }

    private static JsonNode Number(double d)
    {
        // Integers within 2^53 travel as JSON numbers; everything else as JS text so nothing is rounded.
        if (Math.Floor(d) == d && Math.Abs(d) <= 9007199254740991d && !(d == 0 && double.IsNegative(d)))
        {
            return JsonValue.Create((long)d);
        }

        var text = double.IsNaN(d) ? "NaN"
            : double.IsPositiveInfinity(d) ? "Infinity"
            : double.IsNegativeInfinity(d) ? "-Infinity"
            : d == 0 ? "-0"
            : d.ToString("R", CultureInfo.InvariantCulture);
        return new JsonObject { ["$f64"] = text };
    }

    /// <summary>Tagged JSON back to the C# value model (objects become Dictionary, arrays List; <c>$type</c> via <paramref name="newType"/>).</summary>
    public static object? FromWire(JsonNode? n, Func<string, object>? newType = null)
    {
        switch (n)
        {
            case null:
                return null;
            case JsonArray a:
                return a.Select(x => FromWire(x, newType)).ToList();
            case JsonObject o when o.Count == 1 && o.ContainsKey("$bin"):
                return Convert.FromBase64String((string)o["$bin"]!);
            case JsonObject o when o.Count == 1 && o.ContainsKey("$bigint"):
                return BigInteger.Parse((string)o["$bigint"]!, CultureInfo.InvariantCulture);
            case JsonObject o when o.Count == 1 && o.ContainsKey("$undefined"):
                return Undefined.Value;
            case JsonObject o when o.Count == 1 && o.ContainsKey("$f64"):
                return ParseJsNumber((string)o["$f64"]!);
            case JsonObject o when o.Count == 1 && o.ContainsKey("$type") && newType is not null:
                return newType((string)o["$type"]!);
            case JsonObject o:
                var d = new Dictionary<string, object?>();
                foreach (var (k, x) in o)
                {
                    d[k] = FromWire(x, newType);
                }

                return d;
            case JsonValue v:
                var el = v.GetValue<JsonElement>();
                return el.ValueKind switch
                {
                    JsonValueKind.String => el.GetString(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number when el.TryGetInt64(out var l) => l,
                    JsonValueKind.Number => el.GetDouble(),
                    _ => throw new ArgumentException($"unexpected JSON value {el}"),
                };
            default:
                throw new ArgumentException($"unexpected JSON node {n}");
        }
    }

    public static double ParseJsNumber(string s) => s switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        "-0" => -0.0,
        _ => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Re-serialises JSON text with object keys sorted (ordinal, as JS's default sort does for
    /// BMP keys). Numbers keep their source text, so a number-format difference still shows.
    /// </summary>
    public static string Canonical(string json)
    {
        using var doc = JsonDocument.Parse(json);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, CanonicalWriter))
        {
            WriteSorted(w, doc.RootElement);
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteSorted(Utf8JsonWriter w, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var p in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    w.WritePropertyName(p.Name);
                    WriteSorted(w, p.Value);
                }

                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var x in e.EnumerateArray())
                {
                    WriteSorted(w, x);
                }

                w.WriteEndArray();
                break;
            case JsonValueKind.Number:
                w.WriteRawValue(e.GetRawText(), skipInputValidation: true);
                break;
            default:
                e.WriteTo(w);
                break;
        }
    }
}
