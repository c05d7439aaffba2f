using System.Buffers.Binary;
using CrdtCollab.Crdt;
using CrdtCollab.EventStore;
using Xunit;
using static CrdtCollab.Integration.Tests.TestSchema;

namespace CrdtCollab.Integration.Tests;

[Collection(PostgresCollection.Name)]
public sealed class SnapshotTests(PostgresFixture pg)
{
    /// <summary>
    /// Storage-mechanics stand-in for the CRDT merge: a snapshot is the framed list of the original
    /// payloads, so a test can unpack it and compare it with the full history exactly.
    /// </summary>
    private sealed class FramingMerger : ISnapshotMerger
    {
        public int Calls;

        public byte[] Merge(IReadOnlyList<byte[]> updates)
        {
            Interlocked.Increment(ref Calls);
            var originals = updates.SelectMany((u, i) => i == 0 && IsFrame(u) ? Unframe(u) : [u]).ToList();
            var output = new List<byte> { 0xFF };
            foreach (var payload in originals)
            {
                var length = new byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(length, payload.Length);
                output.AddRange(length);
                output.AddRange(payload);
            }
            return [.. output];
        }

        private static bool IsFrame(byte[] bytes) => bytes.Length > 0 && bytes[0] == 0xFF;

        public static List<byte[]> Unframe(byte[] frame)
        {
            var list = new List<byte[]>();
            var span = frame.AsSpan(1);
            while (span.Length > 0)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(span);
                list.Add(span.Slice(4, length).ToArray());
                span = span[(4 + length)..];
            }
            return list;
        }
    }

    // Test payloads start with a byte below 0xFF so they are never mistaken for a frame.
    private static EventData Event(int seed)
    {
        var payload = Payload(seed);
        payload[0] &= 0x7F;
        return new EventData("update", payload);
    }

    [Fact]
    public async Task Snapshot_plus_tail_equals_full_history_and_history_stays_intact()
    {
        var store = await NewStoreAsync(pg.DataSource, "snap");
        var merger = new FramingMerger();
        var stream = Guid.NewGuid();
        await store.AppendBatchAsync(Enumerable.Range(0, 10).Select(i => Request(stream, ExpectedVersion.Any, Event(i))).ToArray());

        var first = await store.CompactAsync(stream, merger);
        Assert.NotNull(first);
        Assert.Equal(10, first.Version);
        await store.AppendBatchAsync(Enumerable.Range(10, 5).Select(i => Request(stream, ExpectedVersion.Any, Event(i))).ToArray());

        var state = await store.LoadDocumentAsync(stream);
        Assert.Equal(10, state.Snapshot!.Version);
        Assert.Equal([11L, 12L, 13L, 14L, 15L], state.Tail.Select(e => e.StreamVersion));
        Assert.Equal(15, state.Version);
        var history = (await store.ReadStreamAsync(stream)).Select(e => e.Payload).ToList();
        Assert.Equal(15, history.Count);
        Assert.Equal(history, FramingMerger.Unframe(state.Snapshot.Payload).Concat(state.Tail.Select(e => e.Payload)));

        // A second compaction folds the previous snapshot and the tail; history is still all there.
        var second = await store.CompactAsync(stream, merger);
        Assert.Equal(15, second!.Version);
        Assert.Equal(history, FramingMerger.Unframe(second.Payload));
        var latest = await store.LoadDocumentAsync(stream);
        Assert.Equal(15, latest.Snapshot!.Version);
        Assert.Empty(latest.Tail);
        Assert.Equal(15, (await store.ReadStreamAsync(stream)).Count);

        // Loading an older version uses the newest snapshot at or below it.
        var at12 = await store.LoadDocumentAsync(stream, atVersion: 12);
        Assert.Equal(10, at12.Snapshot!.Version);
        Assert.Equal([11L, 12L], at12.Tail.Select(e => e.StreamVersion));
        var at3 = await store.LoadDocumentAsync(stream, atVersion: 3);
        Assert.Null(at3.Snapshot);
        Assert.Equal(history.Take(3), at3.Updates());

        // Nothing new: no merge, same snapshot.
        var calls = merger.Calls;
        Assert.Equal(15, (await store.CompactAsync(stream, merger))!.Version);
        Assert.Equal(calls, merger.Calls);
        Assert.Null(await store.CompactAsync(Guid.NewGuid(), merger));
    }

    [Fact]
    public async Task Concurrent_compactions_and_appends_keep_snapshot_plus_tail_equal_to_history()
    {
        var store = await NewStoreAsync(pg.DataSource, "snaprace");
        var merger = new FramingMerger();
        var stream = Guid.NewGuid();
        var appender = Task.Run(async () =>
        {
            for (var i = 0; i < 60; i++)
            {
                await store.AppendAsync(Request(stream, ExpectedVersion.Any, Event(i)));
            }
        });
        var compactors = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!appender.IsCompleted)
            {
                await store.CompactAsync(stream, merger);
            }
        })).ToArray();
        await appender;
        await Task.WhenAll(compactors);

        var history = (await store.ReadStreamAsync(stream)).Select(e => e.Payload).ToList();
        var state = await store.LoadDocumentAsync(stream);
        var rebuilt = state.Snapshot is null ? [] : FramingMerger.Unframe(state.Snapshot.Payload);
        Assert.Equal(history, rebuilt.Concat(state.Tail.Select(e => e.Payload)));
    }

    [Fact]
    public async Task Yjs_document_loaded_from_snapshot_and_tail_equals_the_document_from_full_history()
    {
        var store = await NewStoreAsync(pg.DataSource, "snapyjs");
        var stream = Guid.NewGuid();
        var author = new YDoc(new YDocOptions { ClientId = 1, Gc = false });
        var updates = new List<byte[]>();
        author.UpdateV1 += (_, e) => updates.Add(e.Update);

        var text = author.GetText("content");
        var map = author.GetMap("meta");
        for (var i = 0; i < 30; i++)
        {
            author.Transact(_ =>
            {
                text.Insert(text.Length / 2, $"w{i} ");
                if (i % 5 == 0)
                {
                    text.Delete(0, 1);
                    map.Set("step", (double)i);
                }
            });
            if (i == 19)
            {
                await AppendAllAsync();
                await store.CompactAsync(stream, YUpdateSnapshotMerger.Instance);
            }
        }
        await AppendAllAsync();

        var state = await store.LoadDocumentAsync(stream);
        Assert.Equal(20, state.Snapshot!.Version);
        Assert.Equal(10, state.Tail.Count);
        var loaded = new YDoc(new YDocOptions { ClientId = 2, Gc = false });
        foreach (var update in state.Updates())
        {
            loaded.ApplyUpdate(update);
        }
        loaded.GetText("content");
        loaded.GetMap("meta");
        Assert.Equal(author.ToJson(), loaded.ToJson());

        async Task AppendAllAsync()
        {
            await store.AppendBatchAsync(updates.Select(u => Request(stream, ExpectedVersion.Any, new EventData("update", u))).ToArray());
            updates.Clear();
        }
    }
}
