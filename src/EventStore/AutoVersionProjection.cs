using CrdtCollab.EventStore.Internal;
using Npgsql;
using NpgsqlTypes;

namespace CrdtCollab.EventStore;

/// <summary>
/// Records automatic document versions in the append's transaction (register it in
/// <see cref="EventStoreOptions.InlineProjections"/>): one at the last version before an idle gap,
/// and one at every multiple of <see cref="DocumentVersionsOptions.EveryUpdates"/>.
/// </summary>
public sealed class AutoVersionProjection : IInlineProjection
{
    private readonly string _schema;
    private readonly DocumentVersionsOptions _options;

    /// <summary>Creates the projection for a store's schema.</summary>
    /// <param name="schema">The event store's schema (<see cref="EventStoreOptions.Schema"/>).</param>
    /// <param name="options">Version settings; defaults when null.</param>
    public AutoVersionProjection(string schema, DocumentVersionsOptions? options = null)
    {
        _schema = SchemaName.Validate(schema);
        _options = options ?? new DocumentVersionsOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(_options.EveryUpdates);
    }

    /// <inheritdoc />
    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }
        // One row per stream in the batch: its first and last new version and the batch's time.
        var spans = events
            .GroupBy(e => e.StreamId)
            .Select(g => (Stream: g.Key, First: g.Min(e => e.StreamVersion), Last: g.Max(e => e.StreamVersion), At: g.Min(e => e.Timestamp)))
            .ToArray();
        var idle = _options.IdleGap > TimeSpan.Zero;
        var every = _options.EveryUpdates;
        if (!idle && every == 0)
        {
            return;
        }
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {_schema}.document_versions (stream_id, stream_version, kind, created_at)
            SELECT b.stream, b.first - 1, 'idle', b.at
              FROM unnest(@streams, @firsts, @lasts, @ats) AS b(stream, first, last, at)
              JOIN {_schema}.events e ON e.stream_id = b.stream AND e.stream_version = b.first - 1
             WHERE @idle AND b.at - e.created_at >= @gap
            UNION ALL
            SELECT b.stream, m, 'count', b.at
              FROM unnest(@streams, @firsts, @lasts, @ats) AS b(stream, first, last, at),
                   generate_series(((b.first - 1) / greatest(@every, 1) + 1) * greatest(@every, 1), b.last, greatest(@every, 1)) AS m
             WHERE @every > 0
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("streams", spans.Select(s => s.Stream).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long[]>("firsts", spans.Select(s => s.First).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long[]>("lasts", spans.Select(s => s.Last).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("ats", spans.Select(s => s.At).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<bool>("idle", idle));
        command.Parameters.Add(new NpgsqlParameter<TimeSpan>("gap", _options.IdleGap) { NpgsqlDbType = NpgsqlDbType.Interval });
        command.Parameters.Add(new NpgsqlParameter<long>("every", every));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
