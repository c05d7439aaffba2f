using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace CrdtCollab.Crdt.Internal.Lib0;

/// <summary>
/// JavaScript <c>JSON.stringify</c> and <c>JSON.parse</c> on the shared value representation
/// (spec §1.7). Yjs stores JSON text inside updates (ContentJSON, embeds, V1 format values) and
/// awareness states, so the text must be exactly what a JS peer produces: no whitespace, JS key
/// order, JS number formatting and JS string escaping (System.Text.Json differs on all four).
/// </summary>
internal static class JsJson
{
    /// <summary>Integers up to this magnitude print exactly as themselves in JS (2^53).</summary>
    private const long MaxExactInteger = 1L << 53;

    /// <summary>
    /// Like <see cref="Stringify(object?)"/>, but a BigInteger (a JS bigint, which a peer may
    /// legitimately store) is written as its exact digits instead of throwing as JS does:
    /// used for the document's JSON view, which must not break because of one peer's value.
    /// </summary>
    public static string? StringifyView(object? value) => Stringify(value, bigIntDigits: true);

    /// <summary>
    /// Serialises like <c>JSON.stringify(value)</c>. Returns null where JS returns undefined
    /// (a top-level <see cref="Undefined"/>). Throws <see cref="ArgumentException"/> where JS
    /// throws a TypeError (BigInt, cyclic or too-deep values) or for types JS has no equivalent of.
    /// </summary>
    public static string? Stringify(object? value) => Stringify(value, bigIntDigits: false);

    private static string? Stringify(object? value, bool bigIntDigits)
    {
        if (value is Undefined)
        {
            return null;
        }
        var sb = new StringBuilder();
        WriteValue(sb, value, 0, bigIntDigits);
        return sb.ToString();
    }

    /// <summary>
    /// Parses like <c>JSON.parse(json)</c>: objects become <see cref="Dictionary{TKey, TValue}"/>
    /// (a repeated key keeps its first position and its last value), arrays <see cref="List{T}"/>,
    /// integral numbers within ±(2^53−1) <see cref="long"/>, all other numbers (and −0)
    /// <see cref="double"/>. Malformed text throws <see cref="UpdateFormatException"/>.
    /// </summary>
    public static object? Parse(string json)
    {
        var parser = new Parser(json);
        parser.SkipWhitespace();
        object? value = parser.ParseValue(0);
        parser.SkipWhitespace();
        if (!parser.AtEnd)
        {
            parser.Fail("unexpected text after the JSON value");
        }
        return value;
    }

    /// <summary>JS <c>Number.prototype.toString()</c> for finite numbers (ECMA-262 Number::toString).</summary>
    public static string FormatNumber(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == 0)
        {
            return "0";
        }
        if (Math.Floor(value) == value && Math.Abs(value) <= MaxExactInteger)
        {
            return ((long)value).ToString(CultureInfo.InvariantCulture);
        }
        // .NET's "R" is the shortest string that round-trips (closest to the value on ties),
        // which is the digit string ECMA-262 asks for; only the layout differs.
        string r = value.ToString("R", CultureInfo.InvariantCulture);
        bool negative = r[0] == '-';
        int i = negative ? 1 : 0;
        var digits = new StringBuilder(20);
        int pointPos = -1;
        int exponent = 0;
        for (; i < r.Length; i++)
        {
            char c = r[i];
            if (c == '.')
            {
                pointPos = digits.Length;
            }
            else if (c is 'E' or 'e')
            {
                exponent = int.Parse(r.AsSpan(i + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                break;
            }
            else
            {
                digits.Append(c);
            }
        }
        // n: the decimal point sits after n digits of s (value = 0.s × 10^n).
        int n = (pointPos < 0 ? digits.Length : pointPos) + exponent;
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }
        digits.Remove(0, lead);
        n -= lead;
        int end = digits.Length;
        while (end > 1 && digits[end - 1] == '0')
        {
            end--;
        }
        digits.Length = end;
        return Layout(negative, digits.ToString(), n);
    }

    private static string Layout(bool negative, string s, int n)
    {
        int k = s.Length;
        var sb = new StringBuilder(k + 8);
        if (negative)
        {
            sb.Append('-');
        }
        if (k <= n && n <= 21)
        {
            sb.Append(s).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(s, 0, n).Append('.').Append(s, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(s);
        }
        else
        {
            int e = n - 1;
            sb.Append(s[0]);
            if (k > 1)
            {
                sb.Append('.').Append(s, 1, k - 1);
            }
            sb.Append('e').Append(e < 0 ? '-' : '+').Append(Math.Abs(e).ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static void WriteValue(StringBuilder sb, object? value, int depth, bool bigIntDigits)
    {
        switch (value)
        {
            case null:
            case Undefined:
                // Undefined reaches here only as an array element, which JS prints as null.
                sb.Append("null");
                return;
            case bool b:
                sb.Append(b ? "true" : "false");
                return;
            case string s:
                WriteString(sb, s);
                return;
            case BigInteger big when bigIntDigits:
                sb.Append(big.ToString(CultureInfo.InvariantCulture));
                return;
            case BigInteger:
                throw new ArgumentException("Do not know how to serialize a BigInt (JSON.stringify throws a TypeError).", nameof(value));
        }
        if (JsValues.TryGetNumber(value, out double number, out long integer, out bool isInteger))
        {
            if (isInteger && integer >= -MaxExactInteger && integer <= MaxExactInteger)
            {
                sb.Append(integer.ToString(CultureInfo.InvariantCulture));
                return;
            }
            double d = isInteger ? integer : number;
            sb.Append(double.IsFinite(d) ? FormatNumber(d) : "null");
            return;
        }
        if (depth >= JsValues.MaxDepth)
        {
            throw new ArgumentException($"Value nests deeper than {JsValues.MaxDepth} levels (or is cyclic).", nameof(value));
        }
        if (JsValues.TryGetBytes(value, out var bytes))
        {
            // A Uint8Array has no toJSON; JSON.stringify sees an object with index keys.
            sb.Append('{');
            for (int i = 0; i < bytes.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }
                sb.Append('"').Append(i.ToString(CultureInfo.InvariantCulture)).Append("\":")
                    .Append(bytes[i].ToString(CultureInfo.InvariantCulture));
            }
            sb.Append('}');
            return;
        }
        var properties = JsValues.GetOrderedProperties(value);
        if (properties is not null)
        {
            sb.Append('{');
            bool first = true;
            foreach (var kv in properties)
            {
                if (kv.Value is Undefined)
                {
                    continue;
                }
                if (!first)
                {
                    sb.Append(',');
                }
                first = false;
                WriteString(sb, kv.Key);
                sb.Append(':');
                WriteValue(sb, kv.Value, depth + 1, bigIntDigits);
            }
            sb.Append('}');
            return;
        }
        IList? array = JsValues.GetArray(value);
        if (array is not null)
        {
            sb.Append('[');
            for (int i = 0; i < array.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }
                WriteValue(sb, array[i], depth + 1, bigIntDigits);
            }
            sb.Append(']');
            return;
        }
        throw new ArgumentException($"Type {value!.GetType().FullName} has no JSON representation.", nameof(value));
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        int runStart = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            string? escape = c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => null,
            };
            if (escape is null)
            {
                if (c >= 0x20 && !char.IsSurrogate(c))
                {
                    continue;
                }
                if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                {
                    i++;
                    continue;
                }
                // Control characters and lone surrogates (well-formed JSON.stringify, ES2019).
                escape = "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture);
            }
            sb.Append(s, runStart, i - runStart).Append(escape);
            runStart = i + 1;
        }
        sb.Append(s, runStart, s.Length - runStart).Append('"');
    }

    private ref struct Parser
    {
        private readonly string _text;
        private int _pos;

        public Parser(string text)
        {
            _text = text;
            _pos = 0;
        }

        public readonly bool AtEnd => _pos >= _text.Length;

        public void SkipWhitespace()
        {
            while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\n' or '\r')
            {
                _pos++;
            }
        }

        public object? ParseValue(int depth)
        {
            if (AtEnd)
            {
                Fail("unexpected end of JSON input");
            }
            char c = _text[_pos];
            switch (c)
            {
                case '{':
                    return ParseObject(depth);
                case '[':
                    return ParseArray(depth);
                case '"':
                    return ParseString();
                case 't':
                    ExpectLiteral("true");
                    return true;
                case 'f':
                    ExpectLiteral("false");
                    return false;
                case 'n':
                    ExpectLiteral("null");
                    return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        double d = ParseNumber();
                        if (Math.Floor(d) == d && Math.Abs(d) <= Lib0Reader.MaxSafeInteger && !(d == 0 && double.IsNegative(d)))
                        {
                            return (long)d;
                        }
                        return d;
                    }
                    Fail($"unexpected character '{c}'");
                    return null;
            }
        }

        private Dictionary<string, object?> ParseObject(int depth)
        {
            CheckDepth(depth);
            _pos++;
            var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
            SkipWhitespace();
            if (Peek() == '}')
            {
                _pos++;
                return dict;
            }
            while (true)
            {
                SkipWhitespace();
                if (Peek() != '"')
                {
                    Fail("expected a property name");
                }
                string key = ParseString();
                SkipWhitespace();
                Expect(':');
                SkipWhitespace();
                // JSON.parse defines properties in order; a repeat overwrites in place.
                dict[key] = ParseValue(depth + 1);
                SkipWhitespace();
                char c = Peek();
                if (c == ',')
                {
                    _pos++;
                    continue;
                }
                if (c == '}')
                {
                    _pos++;
                    return JsValues.ToJsOrder(dict);
                }
                Fail("expected ',' or '}'");
            }
        }

        private List<object?> ParseArray(int depth)
        {
            CheckDepth(depth);
            _pos++;
            var list = new List<object?>();
            SkipWhitespace();
            if (Peek() == ']')
            {
                _pos++;
                return list;
            }
            while (true)
            {
                SkipWhitespace();
                list.Add(ParseValue(depth + 1));
                SkipWhitespace();
                char c = Peek();
                if (c == ',')
                {
                    _pos++;
                    continue;
                }
                if (c == ']')
                {
                    _pos++;
                    return list;
                }
                Fail("expected ',' or ']'");
            }
        }

        private string ParseString()
        {
            int start = ++_pos;
            // Fast path: no escapes.
            while (_pos < _text.Length)
            {
                char c = _text[_pos];
                if (c == '"')
                {
                    return _text.Substring(start, _pos++ - start);
                }
                if (c == '\\' || c < 0x20)
                {
                    break;
                }
                _pos++;
            }
            var sb = new StringBuilder();
            sb.Append(_text, start, _pos - start);
            while (true)
            {
                if (AtEnd)
                {
                    Fail("unterminated string");
                }
                char c = _text[_pos];
                if (c == '"')
                {
                    _pos++;
                    return sb.ToString();
                }
                if (c < 0x20)
                {
                    Fail("control character in string");
                }
                if (c != '\\')
                {
                    sb.Append(c);
                    _pos++;
                    continue;
                }
                _pos++;
                if (AtEnd)
                {
                    Fail("unterminated string");
                }
                char e = _text[_pos++];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        int code = 0;
                        if (_pos + 4 > _text.Length
                            || !int.TryParse(_text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code))
                        {
                            Fail("bad \\u escape");
                        }
                        sb.Append((char)code);
                        _pos += 4;
                        break;
                    default:
                        _pos--;
                        Fail($"bad escape '\\{e}'");
                        break;
                }
            }
        }

        private double ParseNumberText(int start)
        {
            if (!double.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
            {
                _pos = start;
                Fail("bad number");
            }
            return d;
        }

        private double ParseNumber()
        {
            int start = _pos;
            if (Peek() == '-')
            {
                _pos++;
            }
            if (Peek() == '0')
            {
                _pos++;
            }
            else if (IsDigit(Peek()))
            {
                SkipDigits();
            }
            else
            {
                Fail("expected a digit");
            }
            if (Peek() == '.')
            {
                _pos++;
                if (!IsDigit(Peek()))
                {
                    Fail("expected a digit after '.'");
                }
                SkipDigits();
            }
            if (Peek() is 'e' or 'E')
            {
                _pos++;
                if (Peek() is '+' or '-')
                {
                    _pos++;
                }
                if (!IsDigit(Peek()))
                {
                    Fail("expected a digit in the exponent");
                }
                SkipDigits();
            }
            // Overflow parses to ±Infinity, as in JS.
            return ParseNumberText(start);
        }

        private void SkipDigits()
        {
            while (IsDigit(Peek()))
            {
                _pos++;
            }
        }

        private static bool IsDigit(char c) => c >= '0' && c <= '9';

        private readonly char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                Fail($"expected '{c}'");
            }
            _pos++;
        }

        private void ExpectLiteral(string literal)
        {
            if (string.CompareOrdinal(_text, _pos, literal, 0, literal.Length) != 0)
            {
                Fail("unexpected token");
            }
            _pos += literal.Length;
        }

        private readonly void CheckDepth(int depth)
        {
            if (depth >= JsValues.MaxDepth)
            {
                Fail($"JSON nests deeper than {JsValues.MaxDepth} levels");
            }
        }

        [DoesNotReturn]
        public readonly void Fail(string message) =>
            ThrowHelper.Format($"malformed JSON: {message} at character {_pos}");
    }
}
