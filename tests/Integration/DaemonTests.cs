using CrdtCollab.EventStore;
using Npgsql;
using Xunit;
using static CrdtCollab.Integration.Tests.TestSchema;

namespace CrdtCollab.Integration.Tests;

[Collection(PostgresCollection.Name)]
public sealed class DaemonTests(PostgresFixture pg)
{
    private static readonly ProjectionDaemonOptions Fast = new()
    {
        BatchSize = 50,
        PollInterval = TimeSpan.FromMilliseconds(200),
        LeaderRetryInterval = TimeSpan.FromMilliseconds(50),
        ReconnectDelay = TimeSpan.FromMilliseconds(50),
    };

    private async Task<(PostgresEventStore Store, GateInlineProjection Gate, RecordingProjection Projection)> SetUpAsync(
        string prefix, int copyThreshold = EventStoreOptions.DefaultCopyAppendThreshold)
    {
        var gate = new GateInlineProjection();
        var store = await NewStoreAsync(pg.DataSource, prefix, o => o with { InlineProjections = [gate], CopyAppendThreshold = copyThreshold });
        var projection = new RecordingProjection(store.Options.Schema);
        await projection.CreateTableAsync(pg.DataSource);
        return (store, gate, projection);
    }

    private async Task CaughtUpAsync(ProjectionDaemon daemon, PostgresEventStore store) =>
        await WaitUntilAsync(async () => await daemon.GetLagAsync() == 0 && daemon.Lag == 0, $"{daemon.Name} caught up (checkpoint {daemon.Checkpoint}, head {await store.GetHeadPositionAsync()})");

    /// <summary>Every committed event is in the projection exactly once, and batches arrived in position order.</summary>
    private async Task AssertExactlyOnceAsync(PostgresEventStore store, RecordingProjection projection)
    {
        var all = await RecordingProjection.AllPositionsAsync(pg.DataSource, store.Options.Schema);
        var projected = await projection.ProjectedAsync(pg.DataSource);
        Assert.Equal(all.Count, projected.Distinct().Count());
        Assert.Equal(all, projected);
    }

    [Theory]
    [InlineData(EventStoreOptions.DefaultCopyAppendThreshold)]
    [InlineData(1)]
    public async Task Daemon_waits_for_a_slow_transaction_holding_a_lower_position_instead_of_skipping_it(int copyThreshold)
    {
        var (store, gate, projection) = await SetUpAsync("horizon", copyThreshold);
        await using var daemon = new ProjectionDaemon(store, projection, Fast);
        daemon.Start();
        var stream = Guid.NewGuid();
        for (var i = 0; i < 5; i++)
        {
            await store.AppendAsync(Request(stream, ExpectedVersion.Any, Update(i)));
        }
        var settledHead = await store.GetHeadPositionAsync();
        await WaitUntilAsync(() => daemon.Checkpoint == settledHead, "first events projected");

        // A transaction takes position p and stays open; later appends commit positions above p.
        var correlation = Guid.NewGuid();
        var (entered, release) = gate.Gate(correlation);
        var slow = Task.Run(() => store.AppendAsync(Request(Guid.NewGuid(), ExpectedVersion.Any, new EventData("slow", Payload(99)) { CorrelationId = correlation })));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var stopsBefore = daemon.HorizonStops;
        for (var i = 0; i < 3; i++)
        {
            await store.AppendAsync(Request(stream, ExpectedVersion.Any, Update(10 + i)));
        }
        await Assert.ThrowsAsync<RolledBackOnPurposeException>(() => store.AppendAsync(Request(stream, ExpectedVersion.Any, new EventData("rollback", Payload(7)))));
        await store.AppendAsync(Request(stream, ExpectedVersion.Any, Update(20)));

        // Either the daemon has looked at the later events and refused them, or (if the horizon
        // logic were missing) it has moved past the open transaction's position.
        await WaitUntilAsync(() => daemon.HorizonStops > stopsBefore || daemon.Checkpoint > settledHead, "daemon looked at the later events");
        Assert.Equal(settledHead, daemon.Checkpoint);
        Assert.Equal(settledHead, await daemon.GetCheckpointAsync());
        Assert.True(await daemon.GetLagAsync() > 0);
        Assert.True(daemon.Lag > 0);

        release.SetResult();
        var slowResult = await slow;
        Assert.True(slowResult.GlobalPositions[0] > settledHead);
        await CaughtUpAsync(daemon, store);
        await AssertExactlyOnceAsync(store, projection);
        Assert.Contains(slowResult.GlobalPositions[0], await projection.ProjectedAsync(pg.DataSource));
    }

    // copyThreshold 1 runs every append through reserve_append + COPY, the default through append_events.
    [Theory]
    [InlineData(EventStoreOptions.DefaultCopyAppendThreshold)]
    [InlineData(1)]
    public async Task Daemon_under_concurrent_appenders_with_slow_and_rolled_back_transactions_skips_nothing_and_repeats_nothing(int copyThreshold)
    {
        var (store, gate, projection) = await SetUpAsync("concurrent", copyThreshold);
        var completed = 0;
        var progress = new SemaphoreSlim(0);
        // A slow append stays open until two more appends have committed elsewhere.
        gate.DefaultHold = async ct =>
        {
            var target = Volatile.Read(ref completed) + 2;
            while (Volatile.Read(ref completed) < target)
            {
                await progress.WaitAsync(TimeSpan.FromSeconds(5), ct);
            }
        };
        void Completed()
        {
            Interlocked.Increment(ref completed);
            progress.Release(4);
        }

        await using var daemon = new ProjectionDaemon(store, projection, Fast with { BatchSize = 7 });
        daemon.Start();
        using var done = new CancellationTokenSource();
        var random = new Random(1234);
        var seeds = Enumerable.Range(0, 4).Select(_ => random.Next()).ToArray();

        // The ticker only touches its own streams so it can never wait on a slow appender's stream lock.
        var ticker = Task.Run(async () =>
        {
            var own = Guid.NewGuid();
            var i = 0;
            while (!done.IsCancellationRequested)
            {
                await store.AppendAsync(Request(own, ExpectedVersion.Any, Update(i++)));
                Completed();
            }
        });
        var appenders = seeds.Select(seed => Task.Run(async () =>
        {
            var rnd = new Random(seed);
            var streams = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();
            for (var i = 0; i < 40; i++)
            {
                var roll = rnd.Next(10);
                var type = roll == 0 ? "slow" : roll == 1 ? "rollback" : "update";
                var events = Enumerable.Range(0, 1 + rnd.Next(3)).Select(k => new EventData(k == 0 ? type : "update", Payload(rnd.Next()))).ToArray();
                try
                {
                    await store.AppendAsync(new AppendRequest(streams[rnd.Next(streams.Length)], ExpectedVersion.Any, events));
                }
                catch (RolledBackOnPurposeException)
                {
                }
                Completed();
            }
        })).ToArray();

        await Task.WhenAll(appenders);
        await done.CancelAsync();
        await ticker;

        await CaughtUpAsync(daemon, store);
        await AssertExactlyOnceAsync(store, projection);
        var delivered = projection.Deliveries.SelectMany(d => d).ToArray();
        Assert.Equal(delivered.Order(), delivered);
        Assert.Equal(delivered.Distinct().Count(), delivered.Length);
    }

    [Theory]
    [InlineData(EventStoreOptions.DefaultCopyAppendThreshold)]
    [InlineData(1)]
    public async Task Transaction_id_order_equals_global_position_order_under_concurrent_appenders(int copyThreshold)
    {
        // The invariant the commit horizon rests on: both append paths assign the xid and take the
        // positions under one lock, so no transaction holds a lower position with a higher xid.
        // copyThreshold 1 sends every batch through reserve_append + COPY.
        var store = await NewStoreAsync(pg.DataSource, "xidorder", o => o with { CopyAppendThreshold = copyThreshold });
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var own = Guid.NewGuid();
            for (var i = 0; i < 60; i++)
            {
                await store.AppendBatchAsync(
                [
                    Request(own, ExpectedVersion.Any, Update(i)),
                    Request(Guid.NewGuid(), ExpectedVersion.NoStream, Update(i), Update(i + 1)),
                ]);
            }
        })));

        var events = await store.ReadAllAsync(1, PostgresEventStore.MaxPageSize);
        Assert.Equal(8 * 60 * 3, events.Count);
        var inversions = events.Zip(events.Skip(1)).Count(p => p.First.TransactionId > p.Second.TransactionId);
        Assert.Equal(0, inversions);
    }

    [Fact]
    public async Task Daemon_resumes_from_its_checkpoint_after_a_crash_mid_batch()
    {
        var (store, _, projection) = await SetUpAsync("crash");
        var stream = Guid.NewGuid();
        await store.AppendBatchAsync(Enumerable.Range(0, 120).Select(i => Request(stream, ExpectedVersion.Any, Update(i))).ToArray());

        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batches = 0;
        projection.AfterWrite = async (_, events, ct) =>
        {
            // The third batch has written its rows but not yet committed when the node dies.
            if (Interlocked.Increment(ref batches) == 3)
            {
                stalled.TrySetResult();
                await resume.Task.WaitAsync(ct);
            }
        };
        var crashed = new ProjectionDaemon(store, projection, Fast with { ReconnectDelay = TimeSpan.FromHours(1) });
        crashed.Start();
        await stalled.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var checkpointAtCrash = await crashed.GetCheckpointAsync();
        Assert.Equal(100, checkpointAtCrash - (await store.ReadAllAsync(1, 1))[0].GlobalPosition + 1);
        await using (var kill = pg.DataSource.CreateCommand($"SELECT pg_terminate_backend({crashed.BackendProcessId})"))
        {
            await kill.ExecuteNonQueryAsync();
        }
        // The stalled batch now continues on a dead session and fails, as it would have on a dead node.
        resume.SetResult();
        await WaitUntilAsync(() => !crashed.IsLeader, "crashed daemon lost leadership");
        await crashed.DisposeAsync();

        projection.AfterWrite = null;
        var deliveredBefore = projection.Deliveries.Count;
        await using var successor = new ProjectionDaemon(store, projection, Fast);
        successor.Start();
        await CaughtUpAsync(successor, store);

        // The successor started right after the committed checkpoint: the half-done batch was redone, nothing earlier.
        Assert.Equal(checkpointAtCrash + 1, projection.Deliveries.Skip(deliveredBefore).First()[0]);
        await AssertExactlyOnceAsync(store, projection);
    }

    [Fact]
    public async Task Only_one_of_two_daemons_leads_and_the_other_takes_over_when_the_leaders_session_dies()
    {
        var (store, _, projection) = await SetUpAsync("leader");
        var stream = Guid.NewGuid();
        await store.AppendAsync(Request(stream, ExpectedVersion.Any, Update(0)));

        var first = new ProjectionDaemon(store, projection, Fast with { ReconnectDelay = TimeSpan.FromHours(1) });
        first.Start();
        await WaitUntilAsync(() => first.IsLeader, "first daemon leads");
        await using var second = new ProjectionDaemon(store, projection, Fast);
        second.Start();
        await WaitUntilAsync(() => second.LockAttempts >= 3, "second daemon tried the lock");
        Assert.False(second.IsLeader);
        Assert.True(first.IsLeader);

        using var done = new CancellationTokenSource();
        var appender = Task.Run(async () =>
        {
            var i = 1;
            while (!done.IsCancellationRequested)
            {
                await store.AppendAsync(Request(stream, ExpectedVersion.Any, Update(i++)));
            }
        });
        await WaitUntilAsync(() => first.Checkpoint > 20, "first daemon makes progress");

        await using (var kill = pg.DataSource.CreateCommand($"SELECT pg_terminate_backend({first.BackendProcessId})"))
        {
            await kill.ExecuteNonQueryAsync();
        }
        await WaitUntilAsync(() => second.IsLeader, "second daemon takes over");
        // The dead node's in-memory flag clears once its client notices the broken connection; it
        // could not commit anything meanwhile (its batches ran on the killed session).
        await WaitUntilAsync(() => !first.IsLeader, "first daemon notices it lost the session");
        var takeover = second.Checkpoint;
        await WaitUntilAsync(() => second.Checkpoint > takeover + 20, "second daemon makes progress");
        await done.CancelAsync();
        await appender;

        await CaughtUpAsync(second, store);
        Assert.False(first.IsLeader);
        await first.DisposeAsync();
        await AssertExactlyOnceAsync(store, projection);
    }

    [Fact]
    public async Task Rebuild_while_appends_continue_replays_every_event_once()
    {
        var (store, _, projection) = await SetUpAsync("rebuild");
        await using var daemon = new ProjectionDaemon(store, projection, Fast);
        daemon.Start();
        using var done = new CancellationTokenSource();
        var appended = 0;
        var appender = Task.Run(async () =>
        {
            var streams = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
            var i = 0;
            while (!done.IsCancellationRequested)
            {
                await store.AppendBatchAsync([Request(streams[i % 4], ExpectedVersion.Any, Update(i)), Request(streams[(i + 1) % 4], ExpectedVersion.Any, Update(i + 1))]);
                i += 2;
                Interlocked.Add(ref appended, 2);
            }
        });
        await WaitUntilAsync(() => daemon.Checkpoint > 100, "projection built part of the log");

        await daemon.RebuildAsync();
        Assert.Equal(1, projection.Resets);
        var afterReset = Volatile.Read(ref appended);
        await WaitUntilAsync(() => Volatile.Read(ref appended) > afterReset + 100, "appends continued during the rebuild");
        await done.CancelAsync();
        await appender;

        await CaughtUpAsync(daemon, store);
        await AssertExactlyOnceAsync(store, projection);
        // The replay started from the beginning again.
        Assert.Contains(projection.Deliveries.Skip(1), d => d[0] == projection.Deliveries.First()[0]);
    }

    [Fact]
    public async Task Lag_is_head_minus_checkpoint()
    {
        var (store, _, projection) = await SetUpAsync("lag");
        var daemon = new ProjectionDaemon(store, projection, Fast);
        var stream = Guid.NewGuid();
        await store.AppendBatchAsync(Enumerable.Range(0, 10).Select(i => Request(stream, ExpectedVersion.Any, Update(i))).ToArray());
        Assert.Equal(10, await daemon.GetLagAsync());

        daemon.Start();
        await CaughtUpAsync(daemon, store);
        Assert.Equal(0, daemon.Lag);
        Assert.Equal(await store.GetHeadPositionAsync(), daemon.Checkpoint);
        await daemon.DisposeAsync();

        await store.AppendBatchAsync(Enumerable.Range(0, 4).Select(i => Request(stream, ExpectedVersion.Any, Update(i))).ToArray());
        Assert.Equal(4, await daemon.GetLagAsync());
    }

    [Fact]
    public async Task Checkpoint_after_a_batch_is_the_last_applied_position_and_the_next_batch_starts_right_after_it()
    {
        var (store, _, projection) = await SetUpAsync("checkpoint");
        var appended = await store.AppendBatchAsync(Enumerable.Range(0, 10).Select(i => Request(Guid.NewGuid(), ExpectedVersion.Any, Update(i))).ToArray());
        var positions = appended.Select(r => r.GlobalPositions[0]).ToArray();
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batches = 0;
        projection.AfterWrite = async (_, _, ct) =>
        {
            if (Interlocked.Increment(ref batches) == 2)
            {
                second.TrySetResult();
                await release.Task.WaitAsync(ct);
            }
        };
        await using var daemon = new ProjectionDaemon(store, projection, Fast with { BatchSize = 4 });
        daemon.Start();
        await second.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // The first batch has committed, the second is open: the checkpoint is exactly the first
        // batch's last position, and the second batch begins at the very next one.
        Assert.Equal(positions[3], await daemon.GetCheckpointAsync());
        Assert.Equal(positions[3], daemon.Checkpoint);
        Assert.Equal(positions[..4], projection.Deliveries.First());
        Assert.Equal(positions[4..8], projection.Deliveries.Skip(1).First());

        release.SetResult();
        await CaughtUpAsync(daemon, store);
        Assert.Equal(positions[^1], await daemon.GetCheckpointAsync());
        await AssertExactlyOnceAsync(store, projection);
    }

    [Fact]
    public async Task IsLeader_turns_false_at_once_when_the_idle_leaders_backend_is_terminated()
    {
        var (store, _, projection) = await SetUpAsync("terminated");
        await store.AppendAsync(Request(Guid.NewGuid(), ExpectedVersion.Any, Update(0)));
        // No polling and no reconnecting: only noticing the dead connection can clear the flag.
        await using var daemon = new ProjectionDaemon(store, projection,
            Fast with { PollInterval = TimeSpan.FromHours(1), ReconnectDelay = TimeSpan.FromHours(1) });
        daemon.Start();
        await CaughtUpAsync(daemon, store);
        Assert.True(daemon.IsLeader);

        await TerminateAsync(daemon.BackendProcessId);

        await WaitUntilAsync(() => !daemon.IsLeader, "IsLeader false after the backend was terminated", timeoutSeconds: 1);
    }

    [Fact]
    public async Task IsLeader_turns_false_when_the_leaders_connection_fails_mid_batch_even_if_the_projection_swallows_the_error()
    {
        var (store, _, projection) = await SetUpAsync("swallowed");
        await store.AppendAsync(Request(Guid.NewGuid(), ExpectedVersion.Any, Update(0)));
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        projection.AfterWrite = async (connection, _, ct) =>
        {
            stalled.TrySetResult();
            await killed.Task.WaitAsync(ct);
            try
            {
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(ct);
            }
            catch (NpgsqlException)
            {
                // A projection that handles its own errors (say, to retry): the daemon must not
                // need to see the exception to stop claiming leadership.
            }
            failed.TrySetResult();
            await release.Task.WaitAsync(ct);
        };
        await using var daemon = new ProjectionDaemon(store, projection, Fast with { ReconnectDelay = TimeSpan.FromHours(1) });
        daemon.Start();
        await stalled.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(daemon.IsLeader);

        await TerminateAsync(daemon.BackendProcessId);
        killed.SetResult();
        await failed.Task.WaitAsync(TimeSpan.FromSeconds(60));

        await WaitUntilAsync(() => !daemon.IsLeader, "IsLeader false while the projection still holds the batch", timeoutSeconds: 1);
        release.SetResult();
    }

    [Fact]
    public async Task IsLeader_turns_false_at_the_next_batch_when_the_session_no_longer_holds_the_lock()
    {
        var (store, _, projection) = await SetUpAsync("unlocked");
        await store.AppendAsync(Request(Guid.NewGuid(), ExpectedVersion.Any, Update(0)));
        var unlocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        projection.AfterWrite = async (connection, _, ct) =>
        {
            // A projection that releases every advisory lock of the session it was handed.
            if (!unlocked.Task.IsCompleted)
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", connection);
                await command.ExecuteNonQueryAsync(ct);
                unlocked.TrySetResult();
            }
        };
        await using var daemon = new ProjectionDaemon(store, projection, Fast with { ReconnectDelay = TimeSpan.FromHours(1) });
        daemon.Start();
        await unlocked.Task.WaitAsync(TimeSpan.FromSeconds(60));

        await store.AppendAsync(Request(Guid.NewGuid(), ExpectedVersion.Any, Update(1)));

        await WaitUntilAsync(() => !daemon.IsLeader, "IsLeader false once a batch finds the lock gone", timeoutSeconds: 2);
    }

    private async Task TerminateAsync(int backendProcessId)
    {
        Assert.NotEqual(0, backendProcessId);
        await using var kill = pg.DataSource.CreateCommand($"SELECT pg_terminate_backend({backendProcessId})");
        Assert.True((bool)(await kill.ExecuteScalarAsync())!);
    }
}
