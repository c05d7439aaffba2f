using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Structs;
using Xunit;

namespace CrdtCollab.Property.Tests.Engine;

/// <summary>The chunked struct list behaves exactly like a flat list (model-based, seeded).</summary>
public sealed class StructListTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Chunked_list_matches_a_flat_list(int seed)
    {
        var rng = new Random(seed);
        var model = new List<StructBase>();
        var list = new StructList();
        long clock = 0;
        for (int step = 0; step < 20_000; step++)
        {
            int op = rng.Next(10);
            if (op < 4 || model.Count == 0)
            {
                var s = new GcStruct(1, clock++, 1);
                model.Add(s);
                list.Add(s);
            }
            else if (op < 7)
            {
                int at = rng.Next(model.Count + 1);
                var s = new GcStruct(1, clock++, 1);
                model.Insert(at, s);
                list.Insert(at, s);
            }
            else if (op < 9)
            {
                int at = rng.Next(model.Count);
                int n = Math.Min(rng.Next(1, 4), model.Count - at);
                model.RemoveRange(at, n);
                list.RemoveRange(at, n);
            }
            else
            {
                int at = rng.Next(model.Count);
                Assert.Same(model[at], list[at]);
            }
            Assert.Equal(model.Count, list.Count);
            if (step % 997 == 0)
            {
                for (int i = 0; i < model.Count; i++)
                {
                    Assert.Same(model[i], list[i]);
                }
            }
        }
    }

    [Fact]
    public void Find_index_locates_clock_ranges_across_chunks()
    {
        var list = new StructList();
        for (int i = 0; i < 5000; i++)
        {
            list.Add(new GcStruct(1, i * 3, 3));
        }
        var rng = new Random(7);
        for (int k = 0; k < 2000; k++)
        {
            long c = rng.Next(15000);
            int idx = list.FindIndex(c);
            Assert.Equal((int)(c / 3), idx);
            Assert.Equal(c / 3 * 3, list[idx].Clock);
        }
    }
}
