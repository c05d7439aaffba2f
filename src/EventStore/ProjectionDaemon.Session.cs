using CrdtCollab.EventStore.Internal;
using Npgsql;

namespace CrdtCollab.EventStore;

public sealed partial class ProjectionDaemon
{
    private async Task RunSessionAsync(CancellationToken cancellationToken)
    {
        // One dedicated connection holds the leader lock, listens, and runs every batch: if it dies,
        // the lock and any half-done batch go with it, so two nodes can never both apply a batch.
        var connection = await _store.DataSource.OpenConnectionAsync(cancellationToken);
        // Npgsql marks the connection broken the moment any operation on it fails, which may be
        // inside the projection (that may even swallow the error): leadership is doubtful from then.
        connection.StateChange += OnStateChange;
        try
        {
            Volatile.Write(ref _backendProcessId, connection.ProcessID);
            while (!await TryLockAsync(connection, cancellationToken))
            {
                Interlocked.Increment(ref _lockAttempts);
                await Task.Delay(_options.LeaderRetryInterval, _store.Options.TimeProvider, cancellationToken);
            }
            connection.Notification += OnNotification;
            await using (var listen = new NpgsqlCommand($"LISTEN {SchemaName.Channel(_schema)}", connection))
            {
                await listen.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                await EnsureCheckpointRowAsync(connection, transaction, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            Volatile.Write(ref _isLeader, 1);
            EventStoreLog.BecameLeader(_logger, Name);

            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var outcome = await ProcessBatchAsync(connection, cancellationToken);
                if (outcome == BatchOutcome.Full || Interlocked.Exchange(ref _notified, 0) == 1)
                {
                    continue;
                }
                // Wakes on NOTIFY from an append's commit; the timeout is the polling fallback.
                await connection.WaitAsync(_options.PollInterval, cancellationToken);
                Interlocked.Exchange(ref _notified, 0);
            }
        }
        finally
        {
            Volatile.Write(ref _isLeader, 0);
            Volatile.Write(ref _backendProcessId, 0);
            connection.StateChange -= OnStateChange;
            connection.Notification -= OnNotification;
            await CloseAsync(connection);
        }
    }

    private static async Task CloseAsync(NpgsqlConnection connection)
    {
        // The connection goes back to the pool: release the session lock and the LISTEN explicitly
        // rather than trusting the pool's reset. A broken connection has already lost both.
        if (connection.State == System.Data.ConnectionState.Open)
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock_all(); UNLISTEN *", connection);
                await command.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException)
            {
                // The session is unusable; disposing it below ends it and frees both anyway.
            }
        }
        await connection.DisposeAsync();
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e) => Interlocked.Exchange(ref _notified, 1);

    private void OnStateChange(object sender, System.Data.StateChangeEventArgs e)
    {
        if (e.CurrentState != System.Data.ConnectionState.Open)
        {
            Volatile.Write(ref _isLeader, 0);
        }
    }

    private async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _lockKey });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task EnsureCheckpointRowAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {_schema}.projection_checkpoints (name, position) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<BatchOutcome> ProcessBatchAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Locking the checkpoint row serializes this batch with a rebuild started on any node. The
        // same round trip confirms the leader lock is still this session's: the projection gets the
        // connection and could have released it (pg_advisory_unlock_all), and then a standby may lead.
        long checkpoint;
        await using (var command = new NpgsqlCommand(
            $"""
            SELECT c.position,
                   EXISTS (SELECT 1 FROM pg_locks l
                            WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.granted
                              AND l.classid = $2::oid AND l.objid = $3::oid AND l.objsubid = 1)
              FROM {_schema}.projection_checkpoints c WHERE c.name = $1 FOR UPDATE
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)((ulong)_lockKey >> 32) });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)((ulong)_lockKey & 0xFFFF_FFFF) });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            checkpoint = reader.GetInt64(0);
            if (!reader.GetBoolean(1))
            {
                Volatile.Write(ref _isLeader, 0);
                throw new InvalidOperationException($"Projection {Name} no longer holds its leader lock on its session.");
            }
        }

        var events = new List<StoredEvent>(Math.Min(_options.BatchSize, 1024));
        var page = 0;
        var head = checkpoint;
        var stoppedAtHorizon = false;
        await using (var command = new NpgsqlCommand(
            $"""
            SELECT {EventRows.Columns}, tx_id < pg_snapshot_xmin(pg_current_snapshot()),
                   (SELECT max(global_position) FROM {_schema}.events)
              FROM {_schema}.events
             WHERE global_position > $1
             ORDER BY global_position
             LIMIT $2
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checkpoint });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _options.BatchSize });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                page++;
                head = reader.GetInt64(EventRows.ColumnCount + 1);
                // The first unsettled row ends the batch: everything after it waits, even rows that
                // look settled, so the checkpoint only ever covers a gap-free prefix.
                if (!reader.GetBoolean(EventRows.ColumnCount))
                {
                    stoppedAtHorizon = true;
                    break;
                }
                events.Add(EventRows.Read(reader));
            }
        }
        if (events.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            Volatile.Write(ref _checkpoint, checkpoint);
            Volatile.Write(ref _lag, Math.Max(0, head - checkpoint));
            CountHorizonStop(stoppedAtHorizon);
            return BatchOutcome.Idle;
        }

        await _projection.ApplyAsync(connection, transaction, events, cancellationToken);

        var last = events[^1].GlobalPosition;
        await using (var command = new NpgsqlCommand(
            $"UPDATE {_schema}.projection_checkpoints SET position = $2, updated_at = now() WHERE name = $1", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = last });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);

        Volatile.Write(ref _checkpoint, last);
        Volatile.Write(ref _lag, Math.Max(0, head - last));
        CountHorizonStop(stoppedAtHorizon);
        EventStoreLog.Applied(_logger, Name, events.Count, last);
        return page == _options.BatchSize && !stoppedAtHorizon ? BatchOutcome.Full : BatchOutcome.Partial;
    }

    // Counted after checkpoint and lag are published, so an observer of the count also sees them.
    private void CountHorizonStop(bool stopped)
    {
        if (stopped)
        {
            Interlocked.Increment(ref _horizonStops);
        }
    }

    private enum BatchOutcome
    {
        Idle,
        Partial,
        Full,
    }
}
