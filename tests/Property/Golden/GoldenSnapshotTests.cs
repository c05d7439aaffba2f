using CrdtCollab.Crdt;
using CrdtCollab.Property.Tests.Oracle;
using Xunit;

namespace CrdtCollab.Property.Tests.Golden;

/// <summary>
/// Snapshots against golden.json's <c>snapshots</c> (generate.mjs, real yjs, gc off): snapshots
/// taken through a document's history of rich text with embeds and formatting, nested maps, arrays
/// and texts, concurrent clients and XML — encoded V1 and V2, compared with equalSnapshots, and
/// restored with createDocFromSnapshot (the update it applies, V1 and V2, and the restored state,
/// JSON and deltas).
/// </summary>
public sealed class GoldenSnapshotTests
{
    public static TheoryData<string> Cases => GoldenData.SnapshotNames();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Snapshots_match_yjs(string name)
    {
        var c = GoldenData.Snapshots.Single(x => (string)x["name"]! == name);
        var roots = c["roots"]!.AsObject().Select(kv => new KeyValuePair<string, string>(kv.Key, (string)kv.Value!)).ToList();
        var state = GoldenData.Bytes(c["state"]);
        var doc = new YDoc(new YDocOptions { ClientId = 77, Gc = false });
        doc.ApplyUpdate(state);
        var snapshots = new List<YSnapshot>();
        var all = c["snapshots"]!.AsArray();
        for (var i = 0; i < all.Count; i++)
        {
            var s = all[i]!;
            var what = $"{name} snapshot {i}";
            var snap = YSnapshot.Decode(GoldenData.Bytes(s["v1"]));
            snapshots.Add(snap);
            Assert.Equal((string)s["v1"]!, Wire.Hex(snap.Encode()));
            Assert.Equal((string)s["v2"]!, Wire.Hex(snap.EncodeV2()));
            Assert.Equal(snap, YSnapshot.DecodeV2(GoldenData.Bytes(s["v2"])));
            Assert.True((string)s["updateV1"]! == Wire.Hex(doc.EncodeStateFromSnapshot(snap)), what + " V1 update");
            Assert.True((string)s["updateV2"]! == Wire.Hex(doc.EncodeStateFromSnapshotV2(snap)), what + " V2 update");
            var restored = doc.CreateDocFromSnapshot(snap, new YDoc(new YDocOptions { ClientId = 0, Gc = false }));
            Assert.True((string)s["restored"]! == Wire.Hex(restored.EncodeStateAsUpdate()), what + " restored state");
            Assert.Equal(Wire.Canonical((string)s["json"]!), Wire.Canonical(DocJson.Of(restored, roots)));
            foreach (var (text, delta) in s["deltas"]!.AsObject())
            {
                Assert.Equal(Wire.Canonical((string)delta!), Wire.Canonical(DocJson.Delta(restored.GetText(text))));
            }
        }

        var equal = c["equal"]!.AsArray();
        for (var i = 0; i < snapshots.Count; i++)
        {
            for (var j = 0; j < snapshots.Count; j++)
            {
                Assert.Equal((bool)equal[i]![j]!, snapshots[i].Equals(snapshots[j]));
            }
        }

        Assert.Equal(snapshots[^1], doc.GetSnapshot());
        Assert.Equal((string)all[^1]!["v1"]!, Wire.Hex(doc.GetSnapshot().Encode()));
        Assert.Equal(Wire.Hex(state), Wire.Hex(doc.EncodeStateAsUpdate()));
    }

    [Fact]
    public void A_gc_document_refuses_to_restore()
    {
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        doc.GetText("t").Insert(0, "x");
        Assert.Throws<InvalidOperationException>(() => doc.CreateDocFromSnapshot(doc.GetSnapshot()));
    }

    [Fact]
    public void Malformed_snapshots_raise_update_format_exception()
    {
        Assert.Throws<UpdateFormatException>(() => YSnapshot.Decode([0x01, 0x05]));
        Assert.Throws<UpdateFormatException>(() => YSnapshot.DecodeV2([0x05]));
        Assert.Equal(YSnapshot.Empty, YSnapshot.Decode([0, 0]));
        Assert.Equal("00 00", Wire.Hex(YSnapshot.Empty.Encode()));
    }
}
