using System.Collections;
using System.Numerics;
using System.Text.Json;
using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Internal.Lib0;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static CrdtCollab.Property.Tests.Lib0.TestValues;

namespace CrdtCollab.Property.Tests.Lib0;

/// <summary>Spec §1.6: the lib0 Any encoding, its number rules, key order and hostile input.</summary>
public sealed class AnyCodecTests
{
    public static TheoryData<object?, string> SpecTable() => new()
    {
        { 42L, "7d 2a" },
        { -1, "7d 41" },
        { 2147483647L, "7d bf ff ff ff 0f" },
        { 2147483648L, "7c 4f 00 00 00" },
        { -2147483648L, "7c cf 00 00 00" },
        { 2147483649L, "7b 41 e0 00 00 00 20 00 00" },
        { 1.5, "7c 3f c0 00 00" },
        { 0.1, "7b 3f b9 99 99 99 99 99 9a" },
        { double.NaN, "7b 7f f8 00 00 00 00 00 00" },
        { double.PositiveInfinity, "7c 7f 80 00 00" },
        { 9007199254740992.0, "7c 5a 00 00 00" },
        { -0.0, "7d 40" },
        { 3.0, "7d 03" },
        { new BigInteger(-1), "7a ff ff ff ff ff ff ff ff" },
        { "é😀", "77 06 c3 a9 f0 9f 98 80" },
        { null, "7e" },
        { true, "78" },
        { false, "79" },
    };

    [Theory]
    [MemberData(nameof(SpecTable))]
    public void Encodes_spec_table(object? value, string hex) => Assert.Equal(ToHex(Hex(hex)), ToHex(EncodeAny(value)));

    [Fact]
    public void Encodes_every_clr_number_type_by_value()
    {
        object[] fortyTwo = [(byte)42, (sbyte)42, (short)42, (ushort)42, 42, 42u, 42L, 42ul, 42f, 42.0, 42m];
        foreach (var v in fortyTwo)
        {
            Assert.Equal("7d2a", ToHex(EncodeAny(v)));
        }
        Assert.Equal("7c4f000000", ToHex(EncodeAny(2147483648u)));
        Assert.Equal("7c5f800000", ToHex(EncodeAny(ulong.MaxValue)));
        Assert.Equal("7c3fc00000", ToHex(EncodeAny(1.5m)));
        Assert.Equal("7c3fc00000", ToHex(EncodeAny(1.5f)));
        Assert.Equal("7cff800000", ToHex(EncodeAny(double.NegativeInfinity)));
        Assert.Equal(ToHex(EncodeAny(0.1)), ToHex(EncodeAny(0.1m)));
    }

    [Fact]
    public void BigInteger_is_taken_modulo_2_pow_64()
    {
        Assert.Equal("7a0000000000000000", ToHex(EncodeAny(BigInteger.One << 64)));
        Assert.Equal("7a8000000000000000", ToHex(EncodeAny(BigInteger.One << 63)));
        Assert.Equal("7affffffffffffffff", ToHex(EncodeAny((BigInteger.One << 64) - 1)));
        Assert.Equal(new BigInteger(-1), DecodeAny(Hex("7a ff ff ff ff ff ff ff ff")));
    }

    [Fact]
    public void Encodes_spec_nested_example()
    {
        var value = new List<object?>
        {
            1,
            new object?[] { null, Undefined.Value },
            new Dictionary<string, object?> { ["x"] = new byte[] { 255 } },
        };
        const string Expected = "75 03 7d 01 75 02 7e 7f 76 01 01 78 74 01 ff";
        Assert.Equal(ToHex(Hex(Expected)), ToHex(EncodeAny(value)));
        var decoded = DecodeAny(Hex(Expected));
        Assert.Equal("[L1;[null;undefined;];{x:Bff;};]", Dump(decoded));
    }

    [Fact]
    public void Object_keys_follow_js_property_order()
    {
        var value = new Dictionary<string, object?> { ["b"] = 1, ["2"] = 2, ["a"] = 3, ["1"] = 4 };
        const string Expected = "76 04 01 31 7d 04 01 32 7d 02 01 62 7d 01 01 61 7d 03";
        Assert.Equal(ToHex(Hex(Expected)), ToHex(EncodeAny(value)));
        // The same order from every dictionary shape the encoder accepts.
        var readOnly = new System.Collections.ObjectModel.ReadOnlyDictionary<string, object?>(value);
        var nonGeneric = new Dictionary<string, int> { ["b"] = 1, ["2"] = 2, ["a"] = 3, ["1"] = 4 };
        Assert.Equal(ToHex(Hex(Expected)), ToHex(EncodeAny(readOnly)));
        Assert.Equal(ToHex(Hex(Expected)), ToHex(EncodeAny(nonGeneric)));
        // Decoding puts index keys first too, as a JS object would enumerate them.
        var decoded = (Dictionary<string, object?>)DecodeAny(Hex("76 03 01 62 7d 01 01 32 7d 02 01 31 7d 03"))!;
        Assert.Equal("1,2,b", string.Join(',', decoded.Keys));
    }

    [Fact]
    public void Only_canonical_array_indices_sort_first()
    {
        var value = new Dictionary<string, object?>
        {
            ["x"] = 0, ["4294967295"] = 0, ["4294967294"] = 0, ["01"] = 0, ["-1"] = 0, ["10"] = 0, ["9"] = 0, ["1.5"] = 0, ["0"] = 0,
        };
        var decoded = (Dictionary<string, object?>)DecodeAny(EncodeAny(value))!;
        Assert.Equal("0,9,10,4294967294,x,4294967295,01,-1,1.5", string.Join(',', decoded.Keys));
    }

    [Fact]
    public void Repeated_key_keeps_last_value_at_first_position()
    {
        // {a:1, b:2, a:3} as a JS encoder could never write it, but a hostile one can.
        var decoded = DecodeAny(Hex("76 03 01 61 7d 01 01 62 7d 02 01 61 7d 03"));
        Assert.Equal("{a:L3;b:L2;}", Dump(decoded));
    }

    [Fact]
    public void Decodes_number_tags_to_long_or_double()
    {
        Assert.Equal("L42", Dump(DecodeAny(Hex("7d 2a"))));
        Assert.Equal("D8000000000000000", Dump(DecodeAny(Hex("7d 40"))));
        Assert.Equal("D3ff8000000000000", Dump(DecodeAny(Hex("7c 3f c0 00 00"))));
        Assert.Equal("D4008000000000000", Dump(DecodeAny(Hex("7b 40 08 00 00 00 00 00 00"))));
        // Re-encoding normalises by value: float64 3.0 becomes the int tag, as yjs does.
        Assert.Equal("7d03", ToHex(EncodeAny(DecodeAny(Hex("7b 40 08 00 00 00 00 00 00")))));
    }

    [Fact]
    public void Accepts_byte_views_and_enumerables()
    {
        var bytes = new byte[] { 9, 1, 2, 3 };
        Assert.Equal("7403010203", ToHex(EncodeAny(new ReadOnlyMemory<byte>(bytes, 1, 3))));
        Assert.Equal("7403010203", ToHex(EncodeAny(new ArraySegment<byte>(bytes, 1, 3))));
        Assert.Equal("75027d017d02", ToHex(EncodeAny(new List<int> { 1, 2 }.ToArray())));
        Assert.Equal("75027d017d02", ToHex(EncodeAny(Enumerable.Range(1, 2))));
        Assert.Equal("75027d017d02", ToHex(EncodeAny(new ArrayList { 1, 2 })));
    }

    [Fact]
    public void Rejects_values_js_cannot_hold()
    {
        Assert.Throws<ArgumentException>(() => EncodeAny('c'));
        Assert.Throws<ArgumentException>(() => EncodeAny(new Hashtable { [1] = 2 }));
        var cyclic = new List<object?>();
        cyclic.Add(cyclic);
        Assert.Throws<ArgumentException>(() => EncodeAny(cyclic));
    }

    [Fact]
    public void Matches_lib0_number_encoding_on_golden_vectors()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(GoldenPath("js-vectors.json")));
        int count = 0;
        foreach (var v in doc.RootElement.GetProperty("numbers").EnumerateArray())
        {
            double x = BitConverter.Int64BitsToDouble(Convert.ToInt64(v.GetProperty("bits").GetString(), 16));
            Assert.Equal(v.GetProperty("any").GetString(), ToHex(EncodeAny(x)));
            count++;
        }
        foreach (var v in doc.RootElement.GetProperty("strings").EnumerateArray())
        {
            Assert.Equal(v.GetProperty("any").GetString(), ToHex(EncodeAny(Utf16(v.GetProperty("utf16").GetString()!))));
            count++;
        }
        Assert.True(count > 2000);
    }

    [Fact]
    public void Nested_values_written_by_lib0_decode_and_re_encode_byte_identically()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(GoldenPath("js-vectors.json")));
        int withJson = 0;
        foreach (var v in doc.RootElement.GetProperty("values").EnumerateArray())
        {
            string any = v.GetProperty("any").GetString()!;
            var decoded = DecodeAny(Hex(any));
            Assert.Equal(any, ToHex(EncodeAny(decoded)));
            if (v.GetProperty("json").GetString() is { } json)
            {
                // JSON.stringify of the original JS value; our decoded value must print the same.
                Assert.Equal(json, JsJson.Stringify(decoded));
                Assert.Equal(json, JsJson.Stringify(JsJson.Parse(json)));
                withJson++;
            }
        }
        Assert.True(withJson > 200);
    }

    internal static string Utf16(string hex) =>
        new(Enumerable.Range(0, hex.Length / 4).Select(i => (char)Convert.ToInt32(hex.Substring(i * 4, 4), 16)).ToArray());

    [Fact]
    public void Unknown_tag_names_the_tag()
    {
        var e = Assert.Throws<UpdateFormatException>(() => DecodeAny(Hex("73")));
        Assert.Contains("115", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, e.Offset);
        Assert.Throws<UpdateFormatException>(() => DecodeAny(Hex("75 01 00")));
    }

    [Fact]
    public void Nesting_is_capped()
    {
        var deep = Enumerable.Repeat((byte)0x75, 5000).Concat(Enumerable.Repeat((byte)0x01, 5000)).ToArray();
        // 75 75 75 … : arrays of one element nested 5000 deep; counts follow the tags in this
        // layout only for the first, so build the real shape instead.
        var nested = new byte[2 * 5000 + 1];
        for (int i = 0; i < 5000; i++)
        {
            nested[2 * i] = 0x75;
            nested[(2 * i) + 1] = 0x01;
        }
        nested[^1] = 0x7e;
        Assert.Throws<UpdateFormatException>(() => DecodeAny(nested));
        Assert.Throws<UpdateFormatException>(() => DecodeAny(deep));
        // Just under the cap decodes.
        var ok = new byte[(2 * 999) + 1];
        for (int i = 0; i < 999; i++)
        {
            ok[2 * i] = 0x75;
            ok[(2 * i) + 1] = 0x01;
        }
        ok[^1] = 0x7e;
        Assert.IsType<List<object?>>(DecodeAny(ok));
    }

    [Fact]
    public void Declared_counts_beyond_the_input_are_rejected_before_allocating()
    {
        Assert.Throws<UpdateFormatException>(() => DecodeAny(Hex("75 ff ff ff ff 0f")));
        Assert.Throws<UpdateFormatException>(() => DecodeAny(Hex("76 ff ff ff 7f 01 61 7e")));
        Assert.Throws<UpdateFormatException>(() => DecodeAny(Hex("74 ff ff ff ff 0f 00")));
        Assert.Throws<UpdateFormatException>(() => DecodeAny(Hex("77 05 61")));
    }

    [CrdtProperty(500, RandomInCi = true)]
    public FsCheck.Property Random_values_round_trip_exactly()
    {
        return Prop.ForAll(CanonicalAny(json: false).ToArbitrary(), v =>
        {
            var bytes = EncodeAny(v);
            var decoded = DecodeAny(bytes);
            return Dump(decoded) == Dump(v) && ToHex(EncodeAny(decoded)) == ToHex(bytes);
        });
    }

    [CrdtProperty(500, RandomInCi = true)]
    public FsCheck.Property Truncated_or_mutated_bytes_only_ever_throw_UpdateFormatException()
    {
        var gen = CanonicalAny(json: false).Zip(Gen.Choose(0, int.MaxValue).Three());
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (value, (cut, position, xor)) = t;
            var bytes = EncodeAny(value);
            var truncated = bytes.AsSpan(0, cut % bytes.Length).ToArray();
            var mutated = (byte[])bytes.Clone();
            mutated[position % mutated.Length] ^= (byte)(1 + (xor % 255));
            foreach (var input in new[] { truncated, mutated })
            {
                try
                {
                    var r = new Lib0Reader(input);
                    _ = AnyCodec.Read(ref r);
                }
                catch (UpdateFormatException)
                {
                }
            }
            return true;
        });
    }

    [CrdtProperty(2000, RandomInCi = true)]
    public FsCheck.Property Random_bytes_only_ever_throw_UpdateFormatException()
    {
        var gen = Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf().Select(a => a.Length > 0 ? a.Prepend((byte)(0x74 + (a[0] % 12))).ToArray() : a);
        return Prop.ForAll(gen.ToArbitrary(), input =>
        {
            try
            {
                var r = new Lib0Reader(input);
                _ = AnyCodec.Read(ref r);
            }
            catch (UpdateFormatException)
            {
            }
            return true;
        });
    }
}
