using CrdtCollab.EventStore.Internal;
using Npgsql;

namespace CrdtCollab.EventStore;

public sealed partial class PostgresEventStore
{
    /// <summary>Largest page a read returns, so one call cannot pull an unbounded log into memory.</summary>
    public const int MaxPageSize = 100_000;

    /// <summary>Reads a stream's events in version order.</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="fromVersion">First version to return (1 for the whole stream).</param>
    /// <param name="maxCount">Page size, at most <see cref="MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(
        Guid streamId, long fromVersion = 1, int maxCount = MaxPageSize, CancellationToken cancellationToken = default)
    {
        CheckPageSize(maxCount);
        await using var command = _dataSource.CreateCommand(
            $"SELECT {EventRows.Columns} FROM {_schema}.events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromVersion });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
        return await EventRows.ReadAllAsync(command, cancellationToken);
    }

    /// <summary>
    /// Reads one page of the global log in position order, from <paramref name="fromPosition"/>
    /// (inclusive). This is a plain read of what is committed now: a transaction still in flight
    /// can later fill a lower position. Consumers that must not miss events use a
    /// <see cref="ProjectionDaemon"/>, which only reads settled positions.
    /// </summary>
    /// <param name="fromPosition">First position to return.</param>
    /// <param name="maxCount">Page size, at most <see cref="MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<IReadOnlyList<StoredEvent>> ReadAllAsync(long fromPosition, int maxCount, CancellationToken cancellationToken = default)
    {
        CheckPageSize(maxCount);
        await using var command = _dataSource.CreateCommand(
            $"SELECT {EventRows.Columns} FROM {_schema}.events WHERE global_position >= $1 ORDER BY global_position LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromPosition });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
        return await EventRows.ReadAllAsync(command, cancellationToken);
    }

    private static void CheckPageSize(int maxCount)
    {
        if (maxCount is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, $"Page size must be 1-{MaxPageSize}.");
        }
    }
}
