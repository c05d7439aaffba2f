using CrdtCollab.Crdt;
using Xunit;

namespace CrdtCollab.Property.Tests.Engine;

/// <summary>
/// Update format V2 beyond the golden vectors: hostile column data (one typed exception with an
/// offset, document unchanged), the event order, and V1/V2 equivalence of a document's state.
/// </summary>
public sealed class UpdateV2Tests
{
    private static byte[] H(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    private static void Rejected(string hex)
    {
        var doc = new YDoc(new YDocOptions { ClientId = 9 });
        doc.GetText("t").Insert(0, "keep");
        var before = doc.EncodeStateAsUpdate();
        int events = 0;
        doc.UpdateV1 += (_, _) => events++;
        doc.UpdateV2 += (_, _) => events++;
        var e = Assert.Throws<UpdateFormatException>(() => doc.ApplyUpdateV2(H(hex)));
        Assert.True(e.Offset >= 0, e.Message);
        Assert.Equal(before, doc.EncodeStateAsUpdate());
        Assert.Equal(0, events);
        Assert.Throws<UpdateFormatException>(() => YUpdate.ConvertUpdateFormatV2ToV1(H(hex)));
    }

    [Fact]
    public void A_struct_count_no_v2_update_of_this_size_can_hold_is_rejected_before_allocating()
    {
        // info column: GC repeated for ever; len column: 1 repeated 2^40 times; rest: 1 run of 2^40 structs.
        Rejected("00 00 01 01 00 00 01 00 01 00 00 00 08 41 ff ff ff ff ff 1f 00 01 80 80 80 80 80 20 00 00");
    }

    [Fact]
    public void An_honest_v2_update_with_far_more_structs_than_bytes_loads()
    {
        // Typed backwards (each unit its own item), then deleted with GC on: every V2 column
        // repeats one entry, so thousands of structs fit in a few dozen bytes.
        var doc = new YDoc(new YDocOptions { ClientId = 3 });
        var text = doc.GetText("t");
        for (int i = 0; i < 20_000; i++)
        {
            text.Insert(0, "x");
        }

        text.Delete(0, text.Length);
        var v2 = doc.EncodeStateAsUpdateV2();
        Assert.True(v2.Length < 100, $"{v2.Length} bytes");
        var twin = new YDoc(new YDocOptions { ClientId = 4 });
        twin.ApplyUpdateV2(v2);
        Assert.Equal(doc.EncodeStateAsUpdate(), twin.EncodeStateAsUpdate());
        Assert.Equal(v2, twin.EncodeStateAsUpdateV2());
    }

    [Fact]
    public void A_string_longer_than_the_string_column_is_rejected()
    {
        // §4.9's example with the second string length raised from 3 to 9.
        Rejected("00 00 01 01 00 00 01 04 0a 07 74 65 78 74 61 62 63 04 09 01 01 00 00 01 01 00 00");
    }

    [Fact]
    public void A_column_longer_than_the_update_is_rejected()
    {
        Rejected("00 00 01 01 00 00 01 04 7f 07 74 65 78 74");
    }

    [Fact]
    public void An_empty_info_column_is_rejected()
    {
        Rejected("00 00 01 01 00 00 00 0a 07 74 65 78 74 61 62 63 04 03 01 01 00 00 01 01 00 00");
    }

    [Fact]
    public void Truncated_updates_are_rejected_at_every_length()
    {
        var full = H("00 00 01 01 00 00 01 04 0a 07 74 65 78 74 61 62 63 04 03 01 01 00 00 01 01 00 00");
        for (int n = 0; n < full.Length - 1; n++)
        {
            var doc = new YDoc(new YDocOptions { ClientId = 9 });
            var cut = full[..n];
            var e = Assert.Throws<UpdateFormatException>(() => doc.ApplyUpdateV2(cut));
            Assert.True(e.Offset >= 0 || n == 0, $"{n}: {e.Message}");
            Assert.Equal(YUpdate.Empty.ToArray(), doc.EncodeStateAsUpdate());
        }
    }

    [Fact]
    public void Update_v2_follows_update_v1_and_carries_the_same_transaction()
    {
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        var seen = new List<string>();
        byte[]? v1 = null, v2 = null;
        doc.UpdateV1 += (_, e) => { seen.Add("v1"); v1 = e.Update; };
        doc.UpdateV2 += (_, e) => { seen.Add("v2"); v2 = e.Update; Assert.Equal("o", e.Origin); Assert.True(e.IsLocal); };
        doc.Transact(_ => doc.GetText("text").Insert(0, "abc"), "o");
        Assert.Equal(["v1", "v2"], seen);
        Assert.Equal("00 00 01 01 00 00 01 04 0a 07 74 65 78 74 61 62 63 04 03 01 01 00 00 01 01 00 00", Convert.ToHexString(v2!).ToLowerInvariant().Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + " " + b));
        Assert.Equal(v1, YUpdate.ConvertUpdateFormatV2ToV1(v2!));
    }

    [Fact]
    public void Only_a_v2_listener_still_gets_every_update()
    {
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        var got = new List<byte[]>();
        doc.UpdateV2 += (_, e) => got.Add(e.Update);
        doc.GetMap("m").Set("k", 1);
        doc.GetMap("m").Set("k", 2);
        var twin = new YDoc(new YDocOptions { ClientId = 2 });
        foreach (var u in got)
        {
            twin.ApplyUpdateV2(u);
        }

        Assert.Equal(doc.EncodeStateAsUpdateV2(), twin.EncodeStateAsUpdateV2());
        Assert.Equal("{\"k\":2}", twin.GetMap("m").ToJson());
    }

    [Fact]
    public void Merging_no_v2_updates_gives_the_empty_v2_update()
    {
        // yjs 13.6.33: mergeUpdatesV2([]) and diffUpdateV2(empty, [0]) are both this.
        Assert.Equal("00000000000001000000000000", Convert.ToHexString(YUpdate.MergeUpdatesV2([])).ToLowerInvariant());
        Assert.Equal("00000000000001000000000000", Convert.ToHexString(YUpdate.DiffUpdateV2(YUpdate.EmptyV2, [0])).ToLowerInvariant());
        Assert.Equal(YUpdate.EmptyV2.ToArray(), new YDoc().EncodeStateAsUpdateV2());
    }

    [Fact]
    public void Pending_data_travels_in_the_v2_state_as_in_yjs()
    {
        // Client 1's "c" at clock 2 without clocks 0-1, and a pending delete of client 1's clock 0.
        var doc = new YDoc(new YDocOptions { ClientId = 5 });
        doc.ApplyUpdate(H("01 01 01 02 84 01 01 01 63 00"));
        doc.ApplyUpdate(H("00 01 01 01 00 01"));
        Assert.True(doc.HasPendingUpdates);
        var v2 = doc.EncodeStateAsUpdateV2();
        Assert.Equal(doc.EncodeStateAsUpdate(), YUpdate.ConvertUpdateFormatV2ToV1(v2));
        var twin = new YDoc(new YDocOptions { ClientId = 6 });
        twin.ApplyUpdateV2(v2);
        twin.ApplyUpdate(H("01 02 01 00 04 01 01 74 01 61 84 01 00 01 62 00"));
        Assert.Equal("bc", twin.GetText("t").ToString());
    }
}
