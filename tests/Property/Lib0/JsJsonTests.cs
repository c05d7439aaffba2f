using System.Globalization;
using System.Numerics;
using System.Text.Json;
using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Internal.Lib0;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static CrdtCollab.Property.Tests.Lib0.TestValues;

namespace CrdtCollab.Property.Tests.Lib0;

/// <summary>Spec §1.7: JSON text exactly as JavaScript's JSON.stringify / JSON.parse produce and read it.</summary>
public sealed class JsJsonTests
{
    [Fact]
    public void Matches_the_spec_verified_example()
    {
        var value = new Dictionary<string, object?>
        {
            ["s"] = "é\u2028<>&\"\\\n\u0001\ud800",
            ["n"] = new List<object?> { 1e21, 1e-7, 0.000001, -0.0, 123456789012345680000.0 },
        };
        Assert.Equal(
            "{\"s\":\"é\u2028<>&\\\"\\\\\\n\\u0001\\ud800\",\"n\":[1e+21,1e-7,0.000001,0,123456789012345680000]}",
            JsJson.Stringify(value));
    }

    [Theory]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(123456789012345680000.0, "123456789012345680000")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(0.1, "0.1")]
    [InlineData(100.0, "100")]
    [InlineData(-0.0, "0")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(123e-20, "1.23e-18")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(1.2345e-7, "1.2345e-7")]
    [InlineData(0.0000012345, "0.0000012345")]
    [InlineData(9007199254740993.0, "9007199254740992")]
    [InlineData(double.NaN, "null")]
    [InlineData(double.PositiveInfinity, "null")]
    [InlineData(double.NegativeInfinity, "null")]
    public void Formats_numbers_like_javascript(double value, string expected) => Assert.Equal(expected, JsJson.Stringify(value));

    [Fact]
    public void Formats_clr_integers_as_the_js_number_they_become()
    {
        Assert.Equal("9007199254740992", JsJson.Stringify(1L << 53));
        Assert.Equal("9223372036854776000", JsJson.Stringify(long.MaxValue));
        Assert.Equal("18446744073709552000", JsJson.Stringify(ulong.MaxValue));
        Assert.Equal("-42", JsJson.Stringify((sbyte)-42));
        Assert.Equal("0.5", JsJson.Stringify(0.5m));
        Assert.Equal("0.10000000149011612", JsJson.Stringify(0.1f));
    }

    [Fact]
    public void Matches_javascript_on_golden_vectors()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(GoldenPath("js-vectors.json")));
        int count = 0;
        foreach (var v in doc.RootElement.GetProperty("numbers").EnumerateArray())
        {
            double x = BitConverter.Int64BitsToDouble(Convert.ToInt64(v.GetProperty("bits").GetString(), 16));
            string json = v.GetProperty("json").GetString()!;
            Assert.Equal(json, JsJson.Stringify(x));
            // And JSON.parse reads it back to the same number.
            var parsed = JsJson.Parse(json);
            Assert.Equal(x == 0 ? 0 : x, parsed is long l ? l : (double)parsed!);
            count++;
        }
        foreach (var v in doc.RootElement.GetProperty("strings").EnumerateArray())
        {
            string s = AnyCodecTests.Utf16(v.GetProperty("utf16").GetString()!);
            string json = v.GetProperty("json").GetString()!;
            Assert.Equal(json, JsJson.Stringify(s));
            Assert.Equal(s, JsJson.Parse(json));
            count++;
        }
        Assert.True(count > 2000);
    }

    [Fact]
    public void Undefined_bigint_and_bytes_behave_as_in_javascript()
    {
        Assert.Null(JsJson.Stringify(Undefined.Value));
        Assert.Equal("null", JsJson.Stringify(null));
        Assert.Equal("{\"a\":1}", JsJson.Stringify(new Dictionary<string, object?> { ["u"] = Undefined.Value, ["a"] = 1 }));
        Assert.Equal("[null,null]", JsJson.Stringify(new List<object?> { Undefined.Value, null }));
        Assert.Equal("{\"0\":1,\"1\":2}", JsJson.Stringify(new byte[] { 1, 2 }));
        Assert.Equal("{}", JsJson.Stringify(Array.Empty<byte>()));
        Assert.Throws<ArgumentException>(() => JsJson.Stringify(new BigInteger(1)));
        Assert.Equal("{\"1\":true,\"b\":false,\"a\":\"\"}", JsJson.Stringify(new Dictionary<string, object?> { ["b"] = false, ["1"] = true, ["a"] = "" }));
        Assert.Equal("[]", JsJson.Stringify(new List<object?>()));
    }

    [Fact]
    public void Parses_numbers_to_long_or_double()
    {
        Assert.Equal("L1", Dump(JsJson.Parse("1")));
        Assert.Equal("L1", Dump(JsJson.Parse("1.0")));
        Assert.Equal("L100", Dump(JsJson.Parse("1e2")));
        Assert.Equal("L-9007199254740991", Dump(JsJson.Parse("-9007199254740991")));
        Assert.Equal("D4340000000000000", Dump(JsJson.Parse("9007199254740992")));
        Assert.Equal("D8000000000000000", Dump(JsJson.Parse("-0")));
        Assert.Equal("D3ff8000000000000", Dump(JsJson.Parse("1.5")));
        Assert.Equal(double.PositiveInfinity, JsJson.Parse("1e400"));
        Assert.Equal("L0", Dump(JsJson.Parse("1e-400")));
    }

    [Fact]
    public void Parses_structures_with_javascript_semantics()
    {
        var parsed = JsJson.Parse(" {\"b\":1, \"2\":[true,false,null,\"x\\u00e9\\/\\ud83d\\ude00\"], \"b\":{}, \"1\":-2.5}\r\n\t");
        // Index keys move to the front; the repeated "b" keeps its first position and last value.
        Assert.Equal("{1:Dc004000000000000;2:[true;false;null;S78,e9,2f,d83d,de00;];b:{};}", Dump(parsed));
        Assert.Equal("S", Dump(JsJson.Parse("\"\"")));
        Assert.Equal("Sd800", Dump(JsJson.Parse("\"\\uD800\"")));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("01")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("+1")]
    [InlineData("-")]
    [InlineData("1e")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("undefined")]
    [InlineData("tru")]
    [InlineData("nul")]
    [InlineData("[1,]")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{a:1}")]
    [InlineData("{'a':1}")]
    [InlineData("\"a")]
    [InlineData("\"\t\"")]
    [InlineData("\"\\x\"")]
    [InlineData("\"\\u12\"")]
    [InlineData("\"\\u12G4\"")]
    [InlineData("[1 2]")]
    [InlineData("{\"a\" 1}")]
    [InlineData("1 2")]
    [InlineData("\u00a01")]
    [InlineData("[")]
    [InlineData("{")]
    public void Rejects_malformed_json(string json)
    {
        var e = Assert.Throws<UpdateFormatException>(() => JsJson.Parse(json));
        Assert.Contains("at character", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_is_capped()
    {
        Assert.Throws<UpdateFormatException>(() => JsJson.Parse(new string('[', 100_000)));
        Assert.IsType<List<object?>>(JsJson.Parse(new string('[', 999) + new string(']', 999)));
        var cyclic = new Dictionary<string, object?>();
        cyclic["self"] = cyclic;
        Assert.Throws<ArgumentException>(() => JsJson.Stringify(cyclic));
    }

    [CrdtProperty(500, RandomInCi = true)]
    public FsCheck.Property Stringify_of_parse_is_stable()
    {
        return Prop.ForAll(CanonicalAny(json: true).ToArbitrary(), v =>
        {
            string first = JsJson.Stringify(v)!;
            string second = JsJson.Stringify(JsJson.Parse(first))!;
            return first == second;
        });
    }

    [CrdtProperty(2000, RandomInCi = true)]
    public FsCheck.Property Every_finite_double_round_trips_through_its_js_text()
    {
        return Prop.ForAll(AnyDouble.Where(double.IsFinite).ToArbitrary(), d =>
        {
            string text = JsJson.FormatNumber(d);
            double back = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            return back == d && !text.Contains('E', StringComparison.Ordinal) && (text.Contains('e', StringComparison.Ordinal) == (Math.Abs(d) >= 1e21 || (d != 0 && Math.Abs(d) < 1e-6)));
        });
    }
}
