using CrdtCollab.EventStore;
using Npgsql;
using Xunit;
using static CrdtCollab.Integration.Tests.TestSchema;

namespace CrdtCollab.Integration.Tests;

[Collection(PostgresCollection.Name)]
public sealed class AppendTests(PostgresFixture pg)
{
    /// <summary>
    /// Copy thresholds that send every append down one of the two write paths: the default keeps
    /// these small batches on append_events; 1 sends them through reserve_append + COPY.
    /// </summary>
    public static TheoryData<int> BothAppendPaths => new() { EventStoreOptions.DefaultCopyAppendThreshold, 1 };

    [Theory]
    [MemberData(nameof(BothAppendPaths))]
    public async Task Append_returns_consecutive_versions_and_positions_and_reads_back_equal(int copyThreshold)
    {
        // A clock with sub-microsecond ticks: stored timestamps keep whole microseconds (as PostgreSQL does).
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_567));
        var store = await NewStoreAsync(pg.DataSource, "append", o => o with { CopyAppendThreshold = copyThreshold, TimeProvider = clock });
        var stream = Guid.NewGuid();
        var correlation = Guid.NewGuid();
        // The middle event carries no metadata: optional columns mix values and nulls in one batch.
        var events = Enumerable.Range(0, 3)
            .Select(i => i == 1
                ? new EventData("update", Payload(i))
                : new EventData("update", Payload(i)) { UserId = "u1", ClientId = 42 + i, CorrelationId = correlation, CausationId = Guid.NewGuid(), UpdateId = Guid.NewGuid() })
            .ToArray();

        var result = await store.AppendAsync(new AppendRequest(stream, ExpectedVersion.NoStream, events) { TenantId = "t", ProjectId = "p" });

        Assert.Equal([1L, 2L, 3L], result.StreamVersions);
        Assert.Equal(3, result.GlobalPositions.Distinct().Count());
        Assert.False(result.Duplicate);
        var read = await store.ReadStreamAsync(stream);
        Assert.Equal(3, read.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(events[i].Payload, read[i].Payload);
            Assert.Equal(events[i].UpdateId, read[i].UpdateId);
            Assert.Equal(events[i].ClientId, read[i].ClientId);
            Assert.Equal(events[i].CausationId, read[i].CausationId);
            Assert.Equal(events[i].CorrelationId, read[i].CorrelationId);
            Assert.Equal(events[i].UserId, read[i].UserId);
            Assert.Equal("update", read[i].EventType);
            Assert.Equal(new DateTimeOffset(2026, 11, 22, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_560), read[i].Timestamp);
            Assert.Equal(result.GlobalPositions[i], read[i].GlobalPosition);
            Assert.Equal(i + 1, read[i].StreamVersion);
            Assert.NotEqual(0UL, read[i].TransactionId);
        }
        var info = await store.GetStreamAsync(stream);
        Assert.NotNull(info);
        Assert.Equal(3, info.Version);
        Assert.Equal("t", info.TenantId);
        Assert.Equal("p", info.ProjectId);
        Assert.Equal(2, (await store.ReadStreamAsync(stream, fromVersion: 2)).Count);
    }

    [Theory]
    [MemberData(nameof(BothAppendPaths))]
    public async Task Large_and_empty_payloads_and_non_ascii_text_read_back_byte_for_byte(int copyThreshold)
    {
        // Exercises the COPY writer's edges: a field bigger than its flush buffer, an empty field,
        // and text whose UTF-8 form is longer than its UTF-16 length.
        var store = await NewStoreAsync(pg.DataSource, "edges", o => o with { CopyAppendThreshold = copyThreshold });
        var stream = Guid.NewGuid();
        var big = new byte[300_000];
        new Random(7).NextBytes(big);
        var events = new[]
        {
            new EventData("aktualisierung-\u00fc", big) { UserId = "Zo\u00eb \u5de5\u7a0b\u5e08 \ud83d\udea7", UpdateId = Guid.NewGuid() },
            new EventData("update", []) { ClientId = long.MaxValue },
            new EventData("update", Payload(3)) { ClientId = long.MinValue, UserId = "" },
        };

        await store.AppendAsync(Request(stream, ExpectedVersion.NoStream, events));

        var read = await store.ReadStreamAsync(stream);
        Assert.Equal(3, read.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(events[i].EventType, read[i].EventType);
            Assert.Equal(events[i].Payload, read[i].Payload);
            Assert.Equal(events[i].UserId, read[i].UserId);
            Assert.Equal(events[i].ClientId, read[i].ClientId);
            Assert.Equal(events[i].UpdateId, read[i].UpdateId);
        }
    }

    [Theory]
    [MemberData(nameof(BothAppendPaths))]
    public async Task Wrong_expected_version_raises_ConcurrencyException_and_takes_no_global_position(int copyThreshold)
    {
        var store = await NewStoreAsync(pg.DataSource, "conflict", o => o with { CopyAppendThreshold = copyThreshold });
        var stream = Guid.NewGuid();
        var first = await store.AppendAsync(Request(stream, ExpectedVersion.NoStream, Update(1)));

        var e1 = await Assert.ThrowsAsync<ConcurrencyException>(() => store.AppendAsync(Request(stream, ExpectedVersion.Exactly(0), Update(2))));
        Assert.Equal(stream, e1.StreamId);
        Assert.Equal(1, e1.Actual);
        await Assert.ThrowsAsync<ConcurrencyException>(() => store.AppendAsync(Request(stream, ExpectedVersion.NoStream, Update(3))));
        await Assert.ThrowsAsync<ConcurrencyException>(() => store.AppendAsync(Request(stream, ExpectedVersion.Exactly(5), Update(4))));

        var next = await store.AppendAsync(Request(stream, ExpectedVersion.Exactly(1), Update(5)));
        Assert.Equal(2, next.LastStreamVersion);
        // No position was consumed by the three rejected appends: the log stays dense.
        Assert.Equal(first.GlobalPositions[0] + 1, next.GlobalPositions[0]);
    }

    [Theory]
    [MemberData(nameof(BothAppendPaths))]
    public async Task Racing_appenders_with_the_same_expected_version_exactly_one_wins(int copyThreshold)
    {
        var store = await NewStoreAsync(pg.DataSource, "race", o => o with { CopyAppendThreshold = copyThreshold });
        var stream = Guid.NewGuid();
        await store.AppendAsync(Request(stream, ExpectedVersion.NoStream, Update(0)));

        var tasks = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                await store.AppendAsync(Request(stream, ExpectedVersion.Exactly(1), Update(i + 1)));
                return true;
            }
            catch (ConcurrencyException)
            {
                return false;
            }
        })).ToArray();
        var outcomes = await Task.WhenAll(tasks);

        Assert.Equal(1, outcomes.Count(o => o));
        Assert.Equal(2, (await store.GetStreamAsync(stream))!.Version);
        Assert.Equal(2, (await store.ReadStreamAsync(stream)).Count);
    }

    [Theory]
    [MemberData(nameof(BothAppendPaths))]
    public async Task Concurrent_any_appends_to_one_stream_get_gap_free_versions(int copyThreshold)
    {
        var store = await NewStoreAsync(pg.DataSource, "anyrace", o => o with { CopyAppendThreshold = copyThreshold });
        var stream = Guid.NewGuid();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await store.AppendAsync(Request(stream, ExpectedVersion.Any, Update(t * 100 + i)));
            }
        })));

        var events = await store.ReadStreamAsync(stream);
        Assert.Equal(Enumerable.Range(1, 200).Select(v => (long)v), events.Select(e => e.StreamVersion));
        // Within a stream, version order and global order agree.
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.GlobalPosition < p.Second.GlobalPosition));
    }

    [Theory]
    [MemberData(nameof(BothAppendPaths))]
    public async Task Retried_append_with_same_update_id_returns_original_positions_and_writes_nothing(int copyThreshold)
    {
        var store = await NewStoreAsync(pg.DataSource, "idem", o => o with { CopyAppendThreshold = copyThreshold });
        var stream = Guid.NewGuid();
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var request = Request(stream, ExpectedVersion.NoStream, Update(1, ids[0]), Update(2, ids[1]));
        var original = await store.AppendAsync(request);
        await store.AppendAsync(Request(stream, ExpectedVersion.Any, Update(3)));
        var head = await store.GetHeadPositionAsync();

        // The retry's expected version is stale on purpose: a retry must still be recognised.
        var retry = await store.AppendAsync(request);

        Assert.True(retry.Duplicate);
        Assert.Equal(original.GlobalPositions, retry.GlobalPositions);
        Assert.Equal(original.StreamVersions, retry.StreamVersions);
        Assert.Equal(head, await store.GetHeadPositionAsync());
        Assert.Equal(3, (await store.GetStreamAsync(stream))!.Version);
        Assert.Equal(3, (await store.ReadStreamAsync(stream)).Count);
    }

    [Theory]
    [MemberData(nameof(BothAppendPaths))]
    public async Task Batch_mixing_a_retry_with_new_requests_to_the_same_stream_chains_only_the_new_ones(int copyThreshold)
    {
        var store = await NewStoreAsync(pg.DataSource, "idembatch", o => o with { CopyAppendThreshold = copyThreshold });
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var stored = Request(a, ExpectedVersion.NoStream, Update(1, Guid.NewGuid()), Update(2, Guid.NewGuid()));
        var original = await store.AppendAsync(stored);

        var results = await store.AppendBatchAsync(
        [
            Request(a, ExpectedVersion.Any, Update(3, Guid.NewGuid())),
            stored,
            Request(b, ExpectedVersion.NoStream, Update(4, Guid.NewGuid())),
            Request(a, ExpectedVersion.Exactly(3), Update(5, Guid.NewGuid())),
        ]);

        Assert.Equal([3L], results[0].StreamVersions);
        Assert.True(results[1].Duplicate);
        Assert.Equal(original.GlobalPositions, results[1].GlobalPositions);
        Assert.Equal(original.StreamVersions, results[1].StreamVersions);
        Assert.Equal([1L], results[2].StreamVersions);
        Assert.Equal([4L], results[3].StreamVersions);
        var fresh = new[] { results[0], results[2], results[3] }.Select(r => r.GlobalPositions[0]).ToArray();
        Assert.Equal(Enumerable.Range((int)fresh[0], 3).Select(p => (long)p), fresh);
        Assert.Equal(4, (await store.GetStreamAsync(a))!.Version);
        Assert.Equal(Payload(5), (await store.ReadStreamAsync(a))[3].Payload);
    }

    [Theory]
    [MemberData(nameof(BothAppendPaths))]
    public async Task Same_update_id_in_two_streams_is_stored_in_both_and_neither_is_a_duplicate(int copyThreshold)
    {
        // Forking a document, or one client sending one update to two documents: update ids are
        // unique per stream, not across the log.
        var store = await NewStoreAsync(pg.DataSource, "idemstreams", o => o with { CopyAppendThreshold = copyThreshold });
        var (a, b, c, d) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var id = Guid.NewGuid();

        var first = await store.AppendAsync(Request(a, ExpectedVersion.NoStream, Update(1, id)));
        var second = await store.AppendAsync(Request(b, ExpectedVersion.NoStream, Update(2, id)));
        // And within one batch, to two more streams, beside a new id.
        var batch = await store.AppendBatchAsync(
        [
            Request(c, ExpectedVersion.NoStream, Update(3, id)),
            Request(d, ExpectedVersion.NoStream, Update(4, Guid.NewGuid()), Update(5, id)),
        ]);

        var results = new[] { first, second, batch[0], batch[1] };
        Assert.All(results, r => Assert.False(r.Duplicate));
        Assert.Equal(5, results.SelectMany(r => r.GlobalPositions).Distinct().Count());
        Assert.Equal([1L, 2L], batch[1].StreamVersions);
        var streams = new[] { a, b, c, d };
        var payloads = new[] { Payload(1), Payload(2), Payload(3), Payload(5) };
        for (var i = 0; i < streams.Length; i++)
        {
            var read = await store.ReadStreamAsync(streams[i]);
            Assert.Equal(id, read[^1].UpdateId);
            Assert.Equal(payloads[i], read[^1].Payload);
        }
        Assert.Equal(5, await ScalarAsync(pg.DataSource, $"SELECT count(*) FROM {store.Options.Schema}.events"));

        // A retry is still recognised within its own stream, and returns that stream's event.
        var retry = await store.AppendAsync(Request(b, ExpectedVersion.Any, Update(2, id)));
        Assert.True(retry.Duplicate);
        Assert.Equal(second.GlobalPositions, retry.GlobalPositions);
        Assert.Equal(5, await ScalarAsync(pg.DataSource, $"SELECT count(*) FROM {store.Options.Schema}.events"));
    }

    [Theory]
    [MemberData(nameof(BothAppendPaths))]
    public async Task Concurrent_identical_retries_store_the_update_once(int copyThreshold)
    {
        var store = await NewStoreAsync(pg.DataSource, "idemrace", o => o with { CopyAppendThreshold = copyThreshold });
        var stream = Guid.NewGuid();
        var request = Request(stream, ExpectedVersion.Any, Update(1, Guid.NewGuid()));
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.AppendAsync(request))));

        Assert.Single(results, r => !r.Duplicate);
        Assert.Single(results.Select(r => r.GlobalPositions[0]).Distinct());
        Assert.Single(await store.ReadStreamAsync(stream));
    }

    [Theory]
    [MemberData(nameof(BothAppendPaths))]
    public async Task Request_mixing_stored_and_new_update_ids_is_rejected_without_writing(int copyThreshold)
    {
        var store = await NewStoreAsync(pg.DataSource, "idemmix", o => o with { CopyAppendThreshold = copyThreshold });
        var stream = Guid.NewGuid();
        var known = Guid.NewGuid();
        await store.AppendAsync(Request(stream, ExpectedVersion.Any, Update(1, known)));

        var e = await Assert.ThrowsAsync<IdempotencyConflictException>(
            () => store.AppendAsync(Request(stream, ExpectedVersion.Any, Update(1, known), Update(2, Guid.NewGuid()))));
        Assert.Equal(stream, e.StreamId);
        Assert.Single(await store.ReadStreamAsync(stream));
    }

    [Theory]
    [MemberData(nameof(BothAppendPaths))]
    public async Task Batch_appends_many_streams_in_one_call_and_chains_requests_to_the_same_stream(int copyThreshold)
    {
        var store = await NewStoreAsync(pg.DataSource, "batch", o => o with { CopyAppendThreshold = copyThreshold });
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var c = Guid.NewGuid();
        await store.AppendAsync(Request(c, ExpectedVersion.NoStream, Update(0)));

        var results = await store.AppendBatchAsync(
        [
            Request(a, ExpectedVersion.NoStream, Update(1), Update(2)),
            Request(b, ExpectedVersion.Any, Update(3)),
            Request(a, ExpectedVersion.Exactly(2), Update(4)),
            Request(c, ExpectedVersion.Exactly(1), Update(5), Update(6)),
            Request(a, ExpectedVersion.Any, Update(7)),
        ]);

        Assert.Equal([1L, 2L], results[0].StreamVersions);
        Assert.Equal([1L], results[1].StreamVersions);
        Assert.Equal([3L], results[2].StreamVersions);
        Assert.Equal([2L, 3L], results[3].StreamVersions);
        Assert.Equal([4L], results[4].StreamVersions);
        var positions = results.SelectMany(r => r.GlobalPositions).ToArray();
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(Enumerable.Range((int)positions[0], positions.Length).Select(p => (long)p), positions);
        Assert.Equal(4, (await store.GetStreamAsync(a))!.Version);
        Assert.Equal(3, (await store.GetStreamAsync(c))!.Version);

        // All events of a stream are stamped by the batch's single transaction.
        var all = await store.ReadAllAsync(positions[0], 100);
        Assert.Single(all.Select(e => e.TransactionId).Distinct());
        Assert.Equal(Payload(4), (await store.ReadStreamAsync(a))[2].Payload);
    }

    [Theory]
    [MemberData(nameof(BothAppendPaths))]
    public async Task Batch_with_one_conflict_writes_nothing_at_all(int copyThreshold)
    {
        var store = await NewStoreAsync(pg.DataSource, "batchfail", o => o with { CopyAppendThreshold = copyThreshold });
        var existing = Guid.NewGuid();
        var fresh = Guid.NewGuid();
        await store.AppendAsync(Request(existing, ExpectedVersion.Any, Update(0)));
        var head = await store.GetHeadPositionAsync();

        var e = await Assert.ThrowsAsync<ConcurrencyException>(() => store.AppendBatchAsync(
        [
            Request(fresh, ExpectedVersion.NoStream, Update(1)),
            Request(existing, ExpectedVersion.Exactly(7), Update(2)),
        ]));

        Assert.Equal(existing, e.StreamId);
        Assert.Null(await store.GetStreamAsync(fresh));
        Assert.Equal(head, await store.GetHeadPositionAsync());
        var next = await store.AppendAsync(Request(fresh, ExpectedVersion.Any, Update(3)));
        Assert.Equal(head + 1, next.GlobalPositions[0]);
    }

    [Fact]
    public async Task ReadAll_pages_through_the_whole_log_in_order()
    {
        var store = await NewStoreAsync(pg.DataSource, "readall");
        var streams = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToArray();
        var requests = Enumerable.Range(0, 237).Select(i => Request(streams[i % 5], ExpectedVersion.Any, Update(i))).ToArray();
        var results = await store.AppendBatchAsync(requests);

        var read = new List<StoredEvent>();
        var from = 1L;
        while (true)
        {
            var page = await store.ReadAllAsync(from, 50);
            if (page.Count == 0)
            {
                break;
            }
            read.AddRange(page);
            from = page[^1].GlobalPosition + 1;
        }

        Assert.Equal(results.Select(r => r.GlobalPositions[0]), read.Select(e => e.GlobalPosition));
        Assert.Equal(requests.Select(r => r.Events[0].Payload), read.Select(e => e.Payload));
    }

    [Fact]
    public async Task Hostile_input_is_rejected_before_the_database_and_changes_nothing()
    {
        var store = await NewStoreAsync(pg.DataSource, "hostile", o => o with { MaxPayloadBytes = 1024, MaxBatchEvents = 10 });
        var stream = Guid.NewGuid();

        await Assert.ThrowsAsync<AppendRejectedException>(() => store.AppendAsync(Request(stream, ExpectedVersion.Any, new EventData("update", new byte[1025]))));
        await Assert.ThrowsAsync<AppendRejectedException>(() => store.AppendAsync(Request(stream, ExpectedVersion.Any)));
        await Assert.ThrowsAsync<AppendRejectedException>(() => store.AppendAsync(Request(stream, ExpectedVersion.Any, new EventData(new string('x', 201), []))));
        await Assert.ThrowsAsync<AppendRejectedException>(() => store.AppendAsync(Request(stream, ExpectedVersion.Any, new EventData("update", [1]) { UserId = new string('u', 1000) })));
        await Assert.ThrowsAsync<AppendRejectedException>(() => store.AppendBatchAsync(Enumerable.Range(0, 11).Select(i => Request(stream, ExpectedVersion.Any, Update(i))).ToArray()));
        var id = Guid.NewGuid();
        await Assert.ThrowsAsync<AppendRejectedException>(() => store.AppendBatchAsync([Request(stream, ExpectedVersion.Any, Update(1, id)), Request(stream, ExpectedVersion.Any, Update(2, id))]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ReadAllAsync(0, 0));

        Assert.Null(await store.GetStreamAsync(stream));
        Assert.Equal(0, await store.GetHeadPositionAsync());
        Assert.Throws<ArgumentException>(() => new PostgresEventStore(pg.DataSource, new EventStoreOptions { Schema = "x; DROP TABLE y" }));
    }

    [Fact]
    public async Task Migrations_are_idempotent_and_safe_when_servers_start_at_once()
    {
        var schema = NewName("migrate");
        var stores = Enumerable.Range(0, 6).Select(_ => new PostgresEventStore(pg.DataSource, new EventStoreOptions { Schema = schema })).ToArray();

        var applied = await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync())));

        Assert.Equal(1, applied.Count(a => a > 0));
        Assert.Equal(0, await stores[0].MigrateAsync());
        await stores[0].AppendAsync(Request(Guid.NewGuid(), ExpectedVersion.Any, Update(1)));
    }

    [Fact]
    public async Task Inline_projection_runs_in_the_append_transaction_and_its_failure_rolls_back()
    {
        var projection = new CountingInlineProjection();
        var store = await NewStoreAsync(pg.DataSource, "inline", o => o with { InlineProjections = [projection] });
        projection.Schema = store.Options.Schema;
        await using (var create = pg.DataSource.CreateCommand($"CREATE TABLE {store.Options.Schema}.counts (stream_id uuid PRIMARY KEY, n bigint NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }
        var stream = Guid.NewGuid();
        var retry = Request(stream, ExpectedVersion.Any, Update(1, Guid.NewGuid()), Update(2, Guid.NewGuid()));
        await store.AppendAsync(retry);
        await store.AppendAsync(retry);

        Assert.Equal(2, await ScalarAsync(pg.DataSource, $"SELECT n FROM {store.Options.Schema}.counts WHERE stream_id = '{stream}'"));

        projection.Fail = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendAsync(Request(stream, ExpectedVersion.Any, Update(3))));
        Assert.Equal(2, (await store.GetStreamAsync(stream))!.Version);
        Assert.Equal(2, await ScalarAsync(pg.DataSource, $"SELECT n FROM {store.Options.Schema}.counts WHERE stream_id = '{stream}'"));
    }

    private sealed class CountingInlineProjection : IInlineProjection
    {
        public string Schema { get; set; } = "";

        public bool Fail { get; set; }

        public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            foreach (var group in events.GroupBy(e => e.StreamId))
            {
                await using var command = new NpgsqlCommand(
                    $"INSERT INTO {Schema}.counts VALUES ($1, $2) ON CONFLICT (stream_id) DO UPDATE SET n = counts.n + EXCLUDED.n", connection, transaction);
                command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = group.Key });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = group.Count() });
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            if (Fail)
            {
                throw new InvalidOperationException("projection failed");
            }
        }
    }
}
