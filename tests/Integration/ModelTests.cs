using CrdtCollab.EventStore;
using Xunit;
using static CrdtCollab.Integration.Tests.TestSchema;

namespace CrdtCollab.Integration.Tests;

/// <summary>
/// Model-based test: seeded random sequences of appends, batches, retries and stale expectations run
/// against the store and against a few lines of in-memory model; every outcome and the final log
/// must agree. The seed is in the failure message.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ModelTests(PostgresFixture pg)
{
    private sealed class Model
    {
        public Dictionary<Guid, List<byte[]>> Streams { get; } = [];
        public Dictionary<(Guid, Guid), (long Version, long Position)> Ids { get; } = [];
        public long Next { get; set; } = 1;

        public long Version(Guid s) => Streams.TryGetValue(s, out var l) ? l.Count : 0;
    }

    private abstract record Outcome;
    private sealed record Ok(IReadOnlyList<(long[] Versions, long[] Positions, bool Duplicate)> Results) : Outcome;
    private sealed record Conflict : Outcome;
    private sealed record IdConflict : Outcome;

    // copyThreshold 1 sends every batch down the reserve + COPY path, the default only large ones.
    [Theory]
    [InlineData(1, EventStoreOptions.DefaultCopyAppendThreshold)]
    [InlineData(2, EventStoreOptions.DefaultCopyAppendThreshold)]
    [InlineData(3, EventStoreOptions.DefaultCopyAppendThreshold)]
    [InlineData(4, 1)]
    [InlineData(5, 1)]
    [InlineData(6, 1)]
    public async Task Random_operations_agree_with_an_in_memory_model(int seed, int copyThreshold)
    {
        var store = await NewStoreAsync(pg.DataSource, "model", o => o with { CopyAppendThreshold = copyThreshold });
        var rnd = new Random(seed);
        var model = new Model();
        var streams = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        var sent = new List<AppendRequest>();

        for (var step = 0; step < 120; step++)
        {
            var batch = Enumerable.Range(0, rnd.Next(4) == 0 ? 1 + rnd.Next(4) : 1)
                .Select(_ => sent.Count > 0 && rnd.Next(6) == 0 ? sent[rnd.Next(sent.Count)] : NewRequest(rnd, model, streams))
                .DistinctBy(r => r.Events[0].UpdateId ?? Guid.NewGuid())
                .ToArray();
            var expected = Predict(model, batch);
            Outcome actual;
            try
            {
                var results = await store.AppendBatchAsync(batch);
                actual = new Ok(results.Select(r => (r.StreamVersions.ToArray(), r.GlobalPositions.ToArray(), r.Duplicate)).ToArray());
            }
            catch (ConcurrencyException)
            {
                actual = new Conflict();
            }
            catch (IdempotencyConflictException)
            {
                actual = new IdConflict();
            }

            var where = $"seed {seed}, step {step}";
            Assert.True(expected.GetType() == actual.GetType(), $"{where}: expected {expected.GetType().Name}, got {actual.GetType().Name}");
            if (expected is Ok e && actual is Ok a)
            {
                for (var i = 0; i < e.Results.Count; i++)
                {
                    Assert.True(e.Results[i].Versions.SequenceEqual(a.Results[i].Versions), $"{where}: versions of request {i}");
                    Assert.True(e.Results[i].Positions.SequenceEqual(a.Results[i].Positions), $"{where}: positions of request {i}");
                    Assert.True(e.Results[i].Duplicate == a.Results[i].Duplicate, $"{where}: duplicate flag of request {i}");
                }
                sent.AddRange(batch.Where(r => r.Events.All(ev => ev.UpdateId is not null)));
            }
        }

        foreach (var s in streams)
        {
            var read = await store.ReadStreamAsync(s);
            var want = model.Streams.GetValueOrDefault(s) ?? [];
            Assert.Equal(want, read.Select(x => x.Payload));
            Assert.Equal(model.Version(s), (await store.GetStreamAsync(s))?.Version ?? 0);
        }
        var all = await store.ReadAllAsync(1, PostgresEventStore.MaxPageSize);
        Assert.Equal(Enumerable.Range(1, (int)model.Next - 1).Select(p => (long)p), all.Select(x => x.GlobalPosition));
    }

    private static AppendRequest NewRequest(Random rnd, Model model, Guid[] streams)
    {
        var stream = streams[rnd.Next(streams.Length)];
        var current = model.Version(stream);
        var expected = rnd.Next(5) switch
        {
            0 => ExpectedVersion.NoStream,
            1 => ExpectedVersion.Exactly(current),
            2 => ExpectedVersion.Exactly(Math.Max(0, current + rnd.Next(-2, 3))),
            _ => ExpectedVersion.Any,
        };
        var withIds = rnd.Next(3) != 0;
        var events = Enumerable.Range(0, 1 + rnd.Next(3))
            .Select(_ => new EventData("update", Payload(rnd.Next())) { UpdateId = withIds ? Guid.NewGuid() : null })
            .ToArray();
        return new AppendRequest(stream, expected, events);
    }

    /// <summary>The specification: idempotency for the whole batch first, then versions in order, all or nothing.</summary>
    private static Outcome Predict(Model model, AppendRequest[] batch)
    {
        var duplicate = new bool[batch.Length];
        for (var i = 0; i < batch.Length; i++)
        {
            var ids = batch[i].Events.Select(e => e.UpdateId).ToArray();
            var found = ids.Count(id => id is { } g && model.Ids.ContainsKey((batch[i].StreamId, g)));
            if (found > 0 && found < ids.Length)
            {
                return new IdConflict();
            }
            duplicate[i] = found > 0 && found == ids.Length;
        }
        var versions = batch.Select(r => r.StreamId).Distinct().ToDictionary(s => s, model.Version);
        var results = new List<(long[], long[], bool)>();
        var appended = new List<(Guid Stream, EventData Event, long Version, long Position)>();
        var next = model.Next;
        for (var i = 0; i < batch.Length; i++)
        {
            var r = batch[i];
            if (duplicate[i])
            {
                var stored = r.Events.Select(e => model.Ids[(r.StreamId, e.UpdateId!.Value)]).ToArray();
                results.Add((stored.Select(x => x.Version).ToArray(), stored.Select(x => x.Position).ToArray(), true));
                continue;
            }
            var actual = versions[r.StreamId];
            var ok = r.ExpectedVersion.IsAny || (r.ExpectedVersion.IsNoStream ? actual == 0 : r.ExpectedVersion == ExpectedVersion.Exactly(actual));
            if (!ok)
            {
                return new Conflict();
            }
            var vs = new long[r.Events.Count];
            var ps = new long[r.Events.Count];
            for (var k = 0; k < r.Events.Count; k++)
            {
                vs[k] = ++actual;
                ps[k] = next++;
                appended.Add((r.StreamId, r.Events[k], vs[k], ps[k]));
            }
            versions[r.StreamId] = actual;
            results.Add((vs, ps, false));
        }
        foreach (var (stream, e, v, p) in appended)
        {
            (model.Streams.TryGetValue(stream, out var list) ? list : model.Streams[stream] = []).Add(e.Payload);
            if (e.UpdateId is { } id)
            {
                model.Ids[(stream, id)] = (v, p);
            }
        }
        model.Next = next;
        return new Ok(results);
    }
}
