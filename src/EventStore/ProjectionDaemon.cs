using CrdtCollab.EventStore.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CrdtCollab.EventStore;

/// <summary>
/// Runs one <see cref="IAsyncProjection"/> over the global log, exactly once and never skipping.
/// </summary>
/// <remarks>
/// <para><b>Never skipping.</b> Positions are taken by transactions that commit in any order, so a
/// lower position can become visible after a higher one. The daemon therefore reads only
/// <i>settled</i> events: those whose writing transaction id is below
/// <c>pg_snapshot_xmin(pg_current_snapshot())</c>. Every transaction below that horizon has
/// committed or rolled back, so no settled event can still appear or vanish. The append function
/// assigns the transaction id and takes the positions under one lock, so transaction-id order equals
/// position order: every position below a settled event belongs to a settled (or rolled-back)
/// transaction. Hence the settled events form a gap-free prefix of the final log. The daemon still
/// stops at the first unsettled row it sees (it never jumps over one) and advances the checkpoint only
/// to the last settled event before it. It never skips by timeout: a long transaction delays it, and
/// the lag shows it.</para>
/// <para><b>Exactly once.</b> Each batch is applied in the transaction that advances the checkpoint,
/// on the connection that holds the leader lock. If that session dies, the transaction aborts and
/// the lock is released together, so a successor resumes from the last committed checkpoint.</para>
/// <para><b>One leader.</b> A session-level advisory lock per projection, on a dedicated connection.
/// Standbys retry every <see cref="ProjectionDaemonOptions.LeaderRetryInterval"/>.</para>
/// </remarks>
public sealed partial class ProjectionDaemon : IAsyncDisposable
{
    private readonly PostgresEventStore _store;
    private readonly IAsyncProjection _projection;
    private readonly ProjectionDaemonOptions _options;
    private readonly ILogger _logger;
    private readonly string _schema;
    private readonly long _lockKey;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _running;
    private long _checkpoint;
    private long _lag;
    private int _isLeader;
    private int _notified;
    private int _backendProcessId;
    private int _lockAttempts;
    private long _horizonStops;
    private int _disposed;

    /// <summary>Creates a daemon; call <see cref="Start"/> to run it.</summary>
    /// <param name="store">The event store whose log is projected.</param>
    /// <param name="projection">The projection.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="logger">Logger; none when null.</param>
    public ProjectionDaemon(PostgresEventStore store, IAsyncProjection projection, ProjectionDaemonOptions? options = null, ILogger<ProjectionDaemon>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(projection);
        if (string.IsNullOrEmpty(projection.Name) || projection.Name.Length > EventStoreOptions.MaxIdentifierLength)
        {
            throw new ArgumentException($"Projection name must have 1-{EventStoreOptions.MaxIdentifierLength} characters.", nameof(projection));
        }
        _store = store;
        _projection = projection;
        _options = options ?? new ProjectionDaemonOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.BatchSize, PostgresEventStore.MaxPageSize);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _schema = store.Schema;
        _lockKey = LockKeys.Projection(_schema, projection.Name);
    }

    /// <summary>The projection's name.</summary>
    public string Name => _projection.Name;

    /// <summary>
    /// Whether this instance believes it leads: a hint for health checks and metrics, not a fence.
    /// </summary>
    /// <remarks>
    /// True only after this instance's session has taken the projection's lock; false as soon as the
    /// daemon has a reason to doubt it: any failed operation on its connection (the projection's own
    /// included), the lock found missing by the check that starts every batch, or the daemon
    /// stopping. An idle leader waits reading its connection, so a terminated backend is seen at
    /// once. Seen only at the next operation on the connection: a session that dies while the
    /// projection works without using it; and, only when that operation times out, a network that
    /// fails without closing the socket. Exclusivity does not rest on this flag: a batch and its
    /// checkpoint commit only on the session that holds the lock, so a stale true never applies an
    /// event twice.
    /// </remarks>
    public bool IsLeader => Volatile.Read(ref _isLeader) == 1;

    /// <summary>Whether the loop was started and has not stopped (a health check reads it).</summary>
    public bool IsRunning => _running is { IsCompleted: false };

    /// <summary>The last checkpoint this instance committed (or read when it became leader).</summary>
    public long Checkpoint => Volatile.Read(ref _checkpoint);

    /// <summary>Head position minus checkpoint, as of this instance's last batch; a metric can report it.</summary>
    public long Lag => Volatile.Read(ref _lag);

    /// <summary>PostgreSQL backend pid of the leader connection (0 when none); lets tests kill the session.</summary>
    internal int BackendProcessId => Volatile.Read(ref _backendProcessId);

    /// <summary>How many times this instance tried the leader lock and failed.</summary>
    internal int LockAttempts => Volatile.Read(ref _lockAttempts);

    /// <summary>How many passes stopped at an event whose transaction was not yet below the horizon.</summary>
    internal long HorizonStops => Interlocked.Read(ref _horizonStops);

    /// <summary>Starts the background loop. Call once.</summary>
    public void Start()
    {
        if (_running is not null)
        {
            throw new InvalidOperationException("The daemon is already started.");
        }
        _running = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>Stops the loop; an in-flight batch is rolled back and will be redone by the next leader.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        if (_running is not null)
        {
            await _running;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await StopAsync();
        _stopping.Dispose();
    }

    /// <summary>
    /// The number of events between the log's head and the committed checkpoint, read from the
    /// database (so it works on any node, leader or not).
    /// </summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<long> GetLagAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _store.DataSource.CreateCommand(
            $"""
            SELECT coalesce((SELECT max(global_position) FROM {_schema}.events), 0)
                 - coalesce((SELECT position FROM {_schema}.projection_checkpoints WHERE name = $1), 0)
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Whether any session (this node's or another's) holds the projection's leader lock now, read
    /// from <c>pg_locks</c>, so a health check on a standby can tell "someone leads" from "nobody does".
    /// </summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<bool> HasLeaderAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _store.DataSource.CreateCommand(
            """
            SELECT EXISTS (SELECT 1 FROM pg_locks
                            WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                              AND classid = $1::oid AND objid = $2::oid AND objsubid = 1)
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)((ulong)_lockKey >> 32) });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)((ulong)_lockKey & 0xFFFF_FFFF) });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The committed checkpoint, read from the database.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<long> GetCheckpointAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _store.DataSource.CreateCommand(
            $"SELECT coalesce((SELECT position FROM {_schema}.projection_checkpoints WHERE name = $1), 0)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Rebuilds the projection from the start while appends continue: in one transaction, waits for
    /// any in-flight batch, calls <see cref="IAsyncProjection.ResetAsync"/> and sets the checkpoint
    /// to 0. The leader (on whichever node) then replays the log. Callable from any node.
    /// </summary>
    /// <param name="cancellationToken">Cancels the reset (which then rolls back).</param>
    public async Task RebuildAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await EnsureCheckpointRowAsync(connection, transaction, cancellationToken);
        // The row lock orders this reset after any batch in flight and before the next one.
        await using (var command = new NpgsqlCommand(
            $"SELECT position FROM {_schema}.projection_checkpoints WHERE name = $1 FOR UPDATE", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
            await command.ExecuteScalarAsync(cancellationToken);
        }
        await _projection.ResetAsync(connection, transaction, cancellationToken);
        await using (var command = new NpgsqlCommand(
            $"UPDATE {_schema}.projection_checkpoints SET position = 0, updated_at = now() WHERE name = @name; SELECT pg_notify(@channel, '')",
            connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("name", Name));
            command.Parameters.Add(new NpgsqlParameter<string>("channel", SchemaName.Channel(_schema)));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        EventStoreLog.Rebuilding(_logger, Name);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RunSessionAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A dead session (killed backend, network, server restart) or a failing projection:
                // the open transaction is gone, so resuming from the committed checkpoint is safe.
                // A projection that keeps failing on an event retries it forever; it is never skipped.
                EventStoreLog.DaemonConnectionLost(_logger, Name, e);
                try
                {
                    await Task.Delay(_options.ReconnectDelay, _store.Options.TimeProvider, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
