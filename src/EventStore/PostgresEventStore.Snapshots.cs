using CrdtCollab.EventStore.Internal;
using Npgsql;

namespace CrdtCollab.EventStore;

public sealed partial class PostgresEventStore
{
    /// <summary>
    /// Loads a document: its latest snapshot and the events after it, read in one statement so the
    /// two are consistent even while snapshots are written.
    /// </summary>
    /// <param name="streamId">The document's stream.</param>
    /// <param name="atVersion">Load the state as of this version instead of the latest.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<DocumentState> LoadDocumentAsync(Guid streamId, long? atVersion = null, CancellationToken cancellationToken = default)
    {
        var upTo = atVersion ?? long.MaxValue;
        ArgumentOutOfRangeException.ThrowIfNegative(upTo, nameof(atVersion));
        // Row kind 0 is the snapshot, padded into the event columns; kind 1 rows are the tail.
        await using var command = _dataSource.CreateCommand(
            $"""
            WITH s AS (
                SELECT version, payload, created_at FROM {_schema}.snapshots
                 WHERE stream_id = $1 AND version <= $2 ORDER BY version DESC LIMIT 1)
            SELECT 0 AS kind, 0::bigint, $1, s.version, ''::text, s.payload, s.created_at, NULL::text, NULL::bigint,
                   NULL::uuid, NULL::uuid, NULL::uuid, 0::bigint
              FROM s
            UNION ALL
            SELECT 1, {EventRows.Columns}
              FROM {_schema}.events
             WHERE stream_id = $1 AND stream_version <= $2
               AND stream_version > coalesce((SELECT version FROM s), 0)
            ORDER BY 1, 4
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upTo });
        Snapshot? snapshot = null;
        var tail = new List<StoredEvent>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetInt32(0) == 0)
                {
                    snapshot = new Snapshot
                    {
                        StreamId = streamId,
                        Version = reader.GetInt64(3),
                        Payload = reader.GetFieldValue<byte[]>(5),
                        CreatedAt = reader.GetFieldValue<DateTimeOffset>(6),
                    };
                }
                else
                {
                    tail.Add(EventRows.Read(reader, offset: 1));
                }
            }
        }
        return new DocumentState { StreamId = streamId, Snapshot = snapshot, Tail = tail };
    }

    /// <summary>
    /// Compacts a document: merges its latest snapshot and tail into one update and stores it as a
    /// snapshot at the tail's last version. Events are never deleted, so history stays intact.
    /// Safe to run concurrently with appends and with other compactions of the same document.
    /// </summary>
    /// <param name="streamId">The document's stream.</param>
    /// <param name="merger">Merges updates; production passes <see cref="YUpdateSnapshotMerger"/>.</param>
    /// <param name="minTailEvents">Skip compaction while the tail is shorter than this.</param>
    /// <param name="cancellationToken">Cancels the compaction.</param>
    /// <returns>The latest snapshot after the call, or null if the document has none and no events.</returns>
    public async Task<Snapshot?> CompactAsync(Guid streamId, ISnapshotMerger merger, int minTailEvents = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(merger);
        ArgumentOutOfRangeException.ThrowIfLessThan(minTailEvents, 1);
        var state = await LoadDocumentAsync(streamId, null, cancellationToken);
        if (state.Tail.Count < minTailEvents)
        {
            return state.Snapshot;
        }
        var snapshot = new Snapshot
        {
            StreamId = streamId,
            Version = state.Version,
            Payload = merger.Merge(state.Updates()),
            CreatedAt = _options.TimeProvider.GetUtcNow(),
        };
        // A concurrent compaction to the same version produced an equivalent merge; keep the first.
        await using var command = _dataSource.CreateCommand(
            $"INSERT INTO {_schema}.snapshots (stream_id, version, payload, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = snapshot.Version });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = snapshot.Payload });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = snapshot.CreatedAt });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return snapshot;
    }
}
