using CrdtCollab.Crdt;
using Xunit;

namespace CrdtCollab.Property.Tests.Engine;

/// <summary>The worked examples of the format spec (§10), bytes produced by real Yjs 13.6.33.</summary>
public sealed class WorkedExampleTests
{
    private static (YDoc Doc, List<byte[]> Updates) Make(long client, bool gc = true)
    {
        var doc = new YDoc(new YDocOptions { ClientId = client, Gc = gc });
        var updates = new List<byte[]>();
        doc.UpdateV1 += (_, e) => updates.Add(e.Update);
        return (doc, updates);
    }

    [Fact]
    public void Insert_text_abc()
    {
        var (d, ups) = Make(1);
        d.GetText("text").Insert(0, "abc");
        Assert.Equal("01 01 01 00 04 01 04 74 65 78 74 03 61 62 63 00", Hex.Of(ups[0]));
        Assert.Equal("01 01 01 00 04 01 04 74 65 78 74 03 61 62 63 00", Hex.Of(d.EncodeStateAsUpdate()));
        Assert.Equal("01 01 03", Hex.Of(d.EncodeStateVector()));
    }

    [Fact]
    public void Delete_then_type_merges_and_collects()
    {
        var (d, ups) = Make(1);
        var t = d.GetText("text");
        t.Insert(0, "abc");
        t.Delete(1, 1);
        Assert.Equal("00 01 01 01 01 01", Hex.Of(ups[1]));
        Assert.Equal("01 03 01 00 04 01 04 74 65 78 74 01 61 81 01 00 01 84 01 01 01 63 01 01 01 01 01", Hex.Of(d.EncodeStateAsUpdate()));
        t.Insert(2, "d");
        Assert.Equal("01 01 01 03 84 01 02 01 64 00", Hex.Of(ups[2]));
        Assert.Equal("01 03 01 00 04 01 04 74 65 78 74 01 61 81 01 00 01 84 01 01 02 63 64 01 01 01 01 01", Hex.Of(d.EncodeStateAsUpdate()));
        Assert.Equal("acd", t.ToString());
    }

    [Fact]
    public void Map_sets_and_overwrite()
    {
        var (d, ups) = Make(1);
        var m = d.GetMap("map");
        m.Set("num", 42);
        m.Set("str", "hi");
        m.Set("obj", new Dictionary<string, object?> { ["a"] = 1, ["b"] = new List<object?> { true, null } });
        m.Set("num", 43);
        Assert.Equal("01 01 01 00 28 01 03 6d 61 70 03 6e 75 6d 01 7d 2a 00", Hex.Of(ups[0]));
        Assert.Equal("01 01 01 03 a8 01 00 01 7d 2b 01 01 01 00 01", Hex.Of(ups[3]));
        Assert.Equal("01 04 01 00 21 01 03 6d 61 70 03 6e 75 6d 01 28 01 03 6d 61 70 03 73 74 72 01 77 02 68 69 28 01 03 6d 61 70 03 6f 62 6a 01 76 02 01 61 7d 01 01 62 75 02 78 7e a8 01 00 01 7d 2b 01 01 01 00 01", Hex.Of(d.EncodeStateAsUpdate()));
    }

    [Fact]
    public void Array_push_and_insert_after_trailing_delete()
    {
        var (d, ups) = Make(1);
        var a = d.GetArray("arr");
        a.Push(1, "two", new Dictionary<string, object?> { ["three"] = 3 });
        a.Push(new byte[] { 9 }, 5);
        Assert.Equal("01 01 01 00 08 01 03 61 72 72 03 7d 01 77 03 74 77 6f 76 01 05 74 68 72 65 65 7d 03 00", Hex.Of(ups[0]));
        Assert.Equal("01 02 01 03 83 01 02 01 09 88 01 03 01 7d 05 00", Hex.Of(ups[1]));

        var (d2, ups2) = Make(1);
        var a2 = d2.GetArray("arr");
        a2.Push(1, 2, 3);
        a2.Delete(2, 1);
        a2.Push(4);
        Assert.Equal("01 01 01 03 88 01 02 01 7d 04 00", Hex.Of(ups2[^1]));

        var (d3, ups3) = Make(1);
        var a3 = d3.GetArray("arr");
        a3.Push(1, 2, 3);
        a3.Delete(2, 1);
        a3.Insert(2, 4);
        Assert.Equal("01 01 01 03 c8 01 01 01 02 01 7d 04 00", Hex.Of(ups3[^1]));
    }

    [Fact]
    public void Text_skips_tombstones_array_does_not()
    {
        var (d, ups) = Make(1);
        var t = d.GetText("text");
        t.Insert(0, "abc");
        t.Delete(1, 1);
        t.Insert(1, "X");
        Assert.Equal("01 01 01 03 c4 01 01 01 02 01 58 00", Hex.Of(ups[^1]));

        var (d2, ups2) = Make(1);
        var a = d2.GetArray("arr");
        a.Insert(0, "a", "b", "c");
        a.Delete(1, 1);
        a.Insert(1, "X");
        Assert.Equal("01 01 01 03 c8 01 00 01 01 01 77 01 58 00", Hex.Of(ups2[^1]));
    }

    [Fact]
    public void Concurrent_inserts_at_same_position_converge()
    {
        var (b, bu) = Make(3);
        b.GetText("t").Insert(0, "xy");
        var (c1, u1) = Make(1);
        var (c2, u2) = Make(2);
        c1.ApplyUpdate(bu[0]);
        c2.ApplyUpdate(bu[0]);
        c1.GetText("t").Insert(1, "A");
        c2.GetText("t").Insert(1, "B");
        Assert.Equal("01 01 01 00 c4 03 00 03 01 01 41 00", Hex.Of(u1[^1]));
        byte[] a = u1[^1], b2 = u2[^1];
        c1.ApplyUpdate(b2);
        c2.ApplyUpdate(a);
        Assert.Equal("xABy", c1.GetText("t").ToString());
        Assert.Equal("xABy", c2.GetText("t").ToString());
        const string merged = "03 02 03 00 04 01 01 74 01 78 84 03 00 01 79 01 02 00 c4 03 00 03 01 01 42 01 01 00 c4 03 00 03 01 01 41 00";
        Assert.Equal(merged, Hex.Of(c1.EncodeStateAsUpdate()));
        Assert.Equal(merged, Hex.Of(c2.EncodeStateAsUpdate()));
    }

    [Fact]
    public void Concurrent_map_set_higher_client_wins()
    {
        var (d1, u1) = Make(1);
        var (d2, u2) = Make(2);
        d1.GetMap("m").Set("k", "A");
        d2.GetMap("m").Set("k", "B");
        d1.ApplyUpdate(u2[0]);
        d2.ApplyUpdate(u1[0]);
        Assert.Equal("B", d1.GetMap("m").Get("k"));
        Assert.Equal("B", d2.GetMap("m").Get("k"));
        const string state = "02 01 02 00 28 01 01 6d 01 6b 01 77 01 42 01 01 00 21 01 01 6d 01 6b 01 01 01 01 00 01";
        Assert.Equal(state, Hex.Of(d1.EncodeStateAsUpdate()));
        Assert.Equal(state, Hex.Of(d2.EncodeStateAsUpdate()));
    }

    [Fact]
    public void Nested_type_deleted_with_and_without_gc()
    {
        foreach (bool gc in new[] { true, false })
        {
            var (d, ups) = Make(1, gc);
            var m = d.GetMap("m");
            m.Set("list", new CrdtCollab.Crdt.Types.YArray());
            var inner = (CrdtCollab.Crdt.Types.YArray)m.Get("list")!;
            inner.Push("x");
            Assert.Equal("01 01 01 00 27 01 01 6d 04 6c 69 73 74 00 00", Hex.Of(ups[0]));
            Assert.Equal("01 01 01 01 08 00 01 00 01 77 01 78 00", Hex.Of(ups[1]));
            m.Delete("list");
            Assert.Equal("00 01 01 01 00 02", Hex.Of(ups[2]));
            Assert.Equal(gc
                ? "01 02 01 00 21 01 01 6d 04 6c 69 73 74 01 00 01 01 01 01 00 02"
                : "01 02 01 00 27 01 01 6d 04 6c 69 73 74 00 08 00 01 00 01 77 01 78 01 01 01 00 02",
                Hex.Of(d.EncodeStateAsUpdate()));
        }
    }

    [Fact]
    public void Formatting_markers()
    {
        var (d, _) = Make(1);
        var t = d.GetText("t");
        t.Insert(0, "hello");
        t.Format(1, 2, new Dictionary<string, object?> { ["bold"] = true });
        Assert.Equal("01 05 01 00 04 01 01 74 01 68 84 01 00 02 65 6c 84 01 02 02 6c 6f c6 01 00 01 01 04 62 6f 6c 64 04 74 72 75 65 c6 01 02 01 03 04 62 6f 6c 64 04 6e 75 6c 6c 00", Hex.Of(d.EncodeStateAsUpdate()));
    }

    [Fact]
    public void Insert_and_delete_in_one_transaction()
    {
        var (d, ups) = Make(1);
        d.Transact(_ =>
        {
            d.GetText("t").Insert(0, "abc");
            d.GetText("t").Delete(1, 1);
        });
        Assert.Equal("01 03 01 00 04 01 01 74 01 61 81 01 00 01 84 01 01 01 63 01 01 01 01 01", Hex.Of(ups[0]));
    }
}
