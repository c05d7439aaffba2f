using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Internal.Lib0;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static CrdtCollab.Property.Tests.Lib0.TestValues;

namespace CrdtCollab.Property.Tests.Lib0;

/// <summary>Spec §1.2–§1.4 vector tables and round-trip properties for the lib0 primitives.</summary>
public sealed class Lib0PrimitiveTests
{
    [Theory]
    [InlineData(0L, "00")]
    [InlineData(127L, "7f")]
    [InlineData(128L, "80 01")]
    [InlineData(300L, "ac 02")]
    [InlineData(16384L, "80 80 01")]
    [InlineData(1L << 32, "80 80 80 80 10")]
    [InlineData((1L << 53) - 1, "ff ff ff ff ff ff ff 0f")]
    public void VarUint_matches_spec_table(long value, string hex)
    {
        using var w = new Lib0Writer();
        w.WriteVarUint(value);
        Assert.Equal(Hex(hex), w.ToArray());
        var r = new Lib0Reader(Hex(hex));
        Assert.Equal(value, r.ReadVarUint());
        Assert.False(r.HasContent);
    }

    [Fact]
    public void VarUint_accepts_non_minimal_and_rejects_above_2_pow_53()
    {
        var r = new Lib0Reader(Hex("80 00"));
        Assert.Equal(0, r.ReadVarUint());
        Assert.Throws<UpdateFormatException>(() => new Lib0Reader(Hex("80 80 80 80 80 80 80 10")).ReadVarUint());
        Assert.Throws<UpdateFormatException>(() => new Lib0Reader(Hex("80 80")).ReadVarUint());
    }

    [Theory]
    [InlineData(0L, false, "00")]
    [InlineData(0L, true, "40")]
    [InlineData(1L, false, "01")]
    [InlineData(-1L, false, "41")]
    [InlineData(63L, false, "3f")]
    [InlineData(-63L, false, "7f")]
    [InlineData(64L, false, "80 01")]
    [InlineData(-64L, false, "c0 01")]
    [InlineData(8191L, false, "bf 7f")]
    [InlineData(-300L, false, "ec 04")]
    [InlineData(2147483647L, false, "bf ff ff ff 0f")]
    public void VarInt_matches_spec_table(long value, bool negativeZero, string hex)
    {
        using var w = new Lib0Writer();
        w.WriteVarInt(value, negativeZero);
        Assert.Equal(Hex(hex), w.ToArray());
        var r = new Lib0Reader(Hex(hex));
        Assert.Equal(value, r.ReadVarInt(out bool negZero));
        Assert.Equal(negativeZero, negZero);
    }

    [Fact]
    public void VarString_counts_utf8_bytes_and_decoder_is_fatal()
    {
        using var w = new Lib0Writer();
        w.WriteVarString("é😀");
        Assert.Equal(Hex("06 c3 a9 f0 9f 98 80"), w.ToArray());
        Assert.Equal("é😀", new Lib0Reader(Hex("06 c3 a9 f0 9f 98 80")).ReadVarString());
        // A leading BOM is kept; invalid UTF-8 is an error.
        Assert.Equal("\uFEFFa", new Lib0Reader(Hex("04 ef bb bf 61")).ReadVarString());
        Assert.Throws<UpdateFormatException>(() => new Lib0Reader(Hex("01 ff")).ReadVarString());
        using var w2 = new Lib0Writer();
        w2.WriteVarString("\ud800");
        Assert.Equal(Hex("03 ef bf bd"), w2.ToArray());
        using var w3 = new Lib0Writer();
        w3.WriteVarBytes(new byte[] { 1, 2 });
        Assert.Equal(Hex("02 01 02"), w3.ToArray());
    }

    private static readonly Gen<long> SafeLongs =
        Gen.Choose(int.MinValue, int.MaxValue).Two().Select(t => (((long)t.Item1 << 32) | (uint)t.Item2) & Lib0Reader.MaxSafeInteger)
            .Zip(Gen.Choose(0, 53)).Select(t => t.Item1 >> t.Item2);

    [CrdtProperty(1000, RandomInCi = true)]
    public FsCheck.Property VarUint_round_trips_every_safe_integer()
    {
        return Prop.ForAll(SafeLongs.ToArbitrary(), v =>
        {
            using var w = new Lib0Writer();
            w.WriteVarUint(v);
            var bytes = w.ToArray();
            var r = new Lib0Reader(bytes);
            return r.ReadVarUint() == v && !r.HasContent && bytes.Length <= 8;
        });
    }

    [CrdtProperty(1000, RandomInCi = true)]
    public FsCheck.Property VarInt_round_trips_every_safe_integer_with_sign()
    {
        var gen = SafeLongs.Zip(Gen.Elements(true, false)).Select(t => t.Item2 ? -t.Item1 : t.Item1);
        return Prop.ForAll(gen.ToArbitrary(), v =>
        {
            using var w = new Lib0Writer();
            w.WriteVarInt(v);
            var r = new Lib0Reader(w.ToArray());
            return r.ReadVarInt(out bool negZero) == v && !negZero && !r.HasContent;
        });
    }
}
