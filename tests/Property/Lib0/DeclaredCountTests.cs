using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Protocols;
using CrdtCollab.Property.Tests.Protocols;
using Xunit;

namespace CrdtCollab.Property.Tests.Lib0;

/// <summary>
/// Every declared count in hostile input is checked against the bytes that remain times the
/// smallest size of one item, before anything is allocated for it. Each case declares one item
/// more than the remaining bytes could hold, through the public entry point that reads it, and
/// expects the specific early rejection at the count's offset (not a later "truncated").
/// </summary>
public sealed class DeclaredCountTests
{
    private const int Padding = 8;

    // One item in a root named "t": runs 1, structs 1, client 1, clock 0, info = content ref,
    // parent info 1 (a root name), the name; the content starts at offset 8.
    private static byte[] ItemWith(byte contentRef, params byte[] content) =>
        [0x01, 0x01, 0x01, 0x00, contentRef, 0x01, 0x01, (byte)'t', .. content];

    // Name, offset of the count, smallest number of bytes one item takes.
    private static readonly (string What, int Offset, int MinBytes)[] Cases =
    [
        ("runs", 0, 3),
        ("structs", 1, 2),
        ("delete-set clients", 1, 2),
        ("delete-set ranges", 3, 2),
        ("state-vector entries", 0, 2),
        ("awareness entries", 0, 3),
        ("JSON content strings", 8, 1),
        ("Any content values", 8, 1),
        ("Any object entries", 10, 2),
        ("Any array values", 10, 1),
    ];

    public static TheoryData<string, int, int> Counts
    {
        get
        {
            var data = new TheoryData<string, int, int>();
            foreach (var (what, offset, minBytes) in Cases)
            {
                data.Add(what, offset, minBytes);
            }
            return data;
        }
    }

    public static TheoryData<string, int> Limits
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var (what, _, minBytes) in Cases)
            {
                data.Add(what, minBytes);
            }
            return data;
        }
    }

    public static TheoryData<string> Lengths => new() { "string content", "binary content" };

    [Theory]
    [MemberData(nameof(Counts))]
    public void A_count_one_above_what_the_remaining_bytes_can_hold_is_rejected_at_its_offset(string what, int offset, int minBytes)
    {
        var count = Padding / minBytes + 1;
        var e = Assert.Throws<UpdateFormatException>(() => Read(what, (byte)count));
        Assert.Equal($"declared count {count} exceeds the {Padding} bytes that remain (at byte {offset})", e.Message);
        Assert.Equal(offset, e.Offset);
    }

    [Theory]
    [MemberData(nameof(Limits))]
    public void A_count_the_remaining_bytes_can_hold_passes_the_early_check(string what, int minBytes)
    {
        // The exact limit passes the early check; what follows (zeros) may still be rejected later.
        var e = Record.Exception(() => Read(what, (byte)(Padding / minBytes)));
        Assert.True(e is null or UpdateFormatException, $"{what}: {e}");
        Assert.DoesNotContain("declared count", e?.Message ?? "", StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void A_string_or_buffer_length_one_above_the_remaining_bytes_is_rejected_at_its_offset(string what)
    {
        var contentRef = what == "string content" ? (byte)4 : (byte)3;
        var e = Assert.Throws<UpdateFormatException>(() => new YDoc().ApplyUpdate(ItemWith(contentRef, [Padding + 1, .. new byte[Padding]])));
        Assert.Equal($"declared length {Padding + 1} exceeds the {Padding} bytes that remain (at byte 8)", e.Message);
        Assert.Equal(8, e.Offset);
    }

    private static void Read(string what, byte count)
    {
        var pad = new byte[Padding];
        switch (what)
        {
            case "runs":
                new YDoc().ApplyUpdate([count, .. pad]);
                break;
            case "structs":
                new YDoc().ApplyUpdate([0x01, count, .. pad]);
                break;
            case "delete-set clients":
                new YDoc().ApplyUpdate([0x00, count, .. pad]);
                break;
            case "delete-set ranges":
                new YDoc().ApplyUpdate([0x00, 0x01, 0x05, count, .. pad]);
                break;
            case "state-vector entries":
                new YDoc().EncodeStateAsUpdate([count, .. pad]);
                break;
            case "awareness entries":
                new Awareness(1, new FakeTimeProvider()).ApplyUpdate([count, .. pad], null);
                break;
            case "JSON content strings":
                new YDoc().ApplyUpdate(ItemWith(2, [count, .. pad]));
                break;
            case "Any content values":
                new YDoc().ApplyUpdate(ItemWith(8, [count, .. pad]));
                break;
            case "Any object entries":
                new YDoc().ApplyUpdate(ItemWith(8, [0x01, 118, count, .. pad]));
                break;
            case "Any array values":
                new YDoc().ApplyUpdate(ItemWith(8, [0x01, 117, count, .. pad]));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(what), what, null);
        }
    }
}
