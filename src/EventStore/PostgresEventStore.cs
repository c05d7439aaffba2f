using CrdtCollab.EventStore.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CrdtCollab.EventStore;

/// <summary>
/// The event store: one stream of Yjs updates per document in PostgreSQL, with a global log,
/// optimistic concurrency, idempotent and batched appends, snapshots and projections.
/// Thread-safe; create one per schema and share it.
/// </summary>
public sealed partial class PostgresEventStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly EventStoreOptions _options;
    private readonly string _schema;
    private readonly ILogger _logger;

    /// <summary>Creates the store. Call <see cref="MigrateAsync"/> once at start-up.</summary>
    /// <param name="dataSource">Connection source; the store never disposes it.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="logger">Logger; none when null.</param>
    public PostgresEventStore(NpgsqlDataSource dataSource, EventStoreOptions? options = null, ILogger<PostgresEventStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _options = options ?? new EventStoreOptions();
        _schema = SchemaName.Validate(_options.Schema);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.CopyAppendThreshold, 1, nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The store's settings.</summary>
    public EventStoreOptions Options => _options;

    /// <summary>The connection source.</summary>
    public NpgsqlDataSource DataSource => _dataSource;

    /// <summary>
    /// Creates or upgrades the schema. Idempotent and safe to call from several servers at once:
    /// an advisory lock serializes them.
    /// </summary>
    /// <param name="cancellationToken">Cancels the migration (which then rolls back).</param>
    /// <returns>The number of migrations applied by this call.</returns>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var applied = await Migrator.MigrateAsync(_dataSource, _schema, cancellationToken);
        EventStoreLog.Migrated(_logger, _schema, applied);
        return applied;
    }

    /// <summary>
    /// How many migrations this code knows that the database has not applied (0 when the schema is
    /// current): a readiness check calls it, since it also proves PostgreSQL answers.
    /// </summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<int> GetPendingMigrationsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            $"SELECT coalesce(max(version), 0) FROM {_schema}.schema_migrations");
        var applied = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return Migrations.All(_schema).Count(m => m.Version > applied);
    }

    /// <summary>The highest global position written so far (0 for an empty log); may include uncommitted gaps.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<long> GetHeadPositionAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"SELECT coalesce(max(global_position), 0) FROM {_schema}.events");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>A stream's head, or null if the stream does not exist.</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<StreamInfo?> GetStreamAsync(Guid streamId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            $"SELECT version, tenant_id, project_id, created_at, updated_at FROM {_schema}.streams WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new StreamInfo
        {
            StreamId = streamId,
            Version = reader.GetInt64(0),
            TenantId = reader.IsDBNull(1) ? null : reader.GetString(1),
            ProjectId = reader.IsDBNull(2) ? null : reader.GetString(2),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(3),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(4),
        };
    }

    internal string Schema => _schema;
}
