using System.Text;
using Xunit;

namespace CrdtCollab.Property.Tests.Engine;

/// <summary>
/// Text positions are found by walking from the nearest of a few cached markers
/// (<c>YType.FindItemAt</c>), which local plain inserts and deletes shift and any other change
/// drops (a no-op shift, or a shift of the tombstone at an insert position, fails these tests). Editing that jumps between a few places, with
/// runs of typing, backspacing, deletions spanning tombstones, edits grouped in transactions,
/// and remote edits interleaved, must give exactly the text a plain string model gives, and the
/// same text a second replica gets from the updates.
/// </summary>
public sealed class PositionMarkerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Jumping_edits_land_where_a_string_model_says(int seed)
    {
        var rng = new Random(seed);
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        var other = new YDoc(new YDocOptions { ClientId = 2 });
        var replica = new YDoc(new YDocOptions { ClientId = 3 });
        doc.UpdateV1 += (_, e) =>
        {
            other.ApplyUpdate(e.Update);
            replica.ApplyUpdate(e.Update);
        };
        other.UpdateV1 += (_, e) =>
        {
            if (e.IsLocal)
            {
                doc.ApplyUpdate(e.Update);
                replica.ApplyUpdate(e.Update);
            }
        };
        var text = doc.GetText("text");
        var otherText = other.GetText("text");
        var model = new StringBuilder();
        var places = new int[6];
        int place = 0;
        for (int step = 0; step < 6_000; step++)
        {
            if (rng.Next(40) == 0)
            {
                place = rng.Next(places.Length);
            }
            int edits = rng.Next(1, 4);
            doc.Transact(_ =>
            {
                for (int e = 0; e < edits; e++)
                {
                    int at = Math.Clamp(places[place] + rng.Next(-2, 3), 0, model.Length);
                    if (model.Length > 0 && rng.Next(3) == 0)
                    {
                        at = Math.Min(at, model.Length - 1);
                        int len = Math.Min(model.Length - at, rng.Next(1, rng.Next(8) == 0 ? 40 : 3));
                        text.Delete(at, len);
                        model.Remove(at, len);
                    }
                    else
                    {
                        string s = rng.Next(6) == 0 ? "xyz" : ((char)('a' + rng.Next(26))).ToString();
                        text.Insert(at, s);
                        model.Insert(at, s);
                        at += s.Length;
                    }
                    places[place] = at;
                }
            });
            if (rng.Next(50) == 0)
            {
                // A remote edit: every marker of the receiving text must be dropped.
                int at = rng.Next(model.Length + 1);
                otherText.Insert(at, "R");
                model.Insert(at, "R");
            }
            Assert.Equal(model.Length, text.Length);
            if (step % 97 == 0)
            {
                Assert.Equal(model.ToString(), text.ToString());
            }
        }
        Assert.Equal(model.ToString(), text.ToString());
        Assert.Equal(model.ToString(), replica.GetText("text").ToString());
        Assert.Equal(doc.EncodeStateAsUpdate(), replica.EncodeStateAsUpdate());
    }
}
