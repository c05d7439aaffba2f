using Npgsql;

namespace CrdtCollab.EventStore.Internal;

/// <summary>One column list and one row reader for every query that returns events.</summary>
internal static class EventRows
{
    // tx_id is cast because xid8 has no direct CLR mapping guarantee across Npgsql versions.
    public const string Columns =
        "global_position, stream_id, stream_version, event_type, payload, created_at, user_id, client_id, " +
        "correlation_id, causation_id, update_id, (tx_id::text)::bigint";

    public const int ColumnCount = 12;

    public static StoredEvent Read(NpgsqlDataReader reader, int offset = 0) => new()
    {
        GlobalPosition = reader.GetInt64(offset),
        StreamId = reader.GetGuid(offset + 1),
        StreamVersion = reader.GetInt64(offset + 2),
        EventType = reader.GetString(offset + 3),
        Payload = reader.GetFieldValue<byte[]>(offset + 4),
        Timestamp = reader.GetFieldValue<DateTimeOffset>(offset + 5),
        UserId = reader.IsDBNull(offset + 6) ? null : reader.GetString(offset + 6),
        ClientId = reader.IsDBNull(offset + 7) ? null : reader.GetInt64(offset + 7),
        CorrelationId = reader.IsDBNull(offset + 8) ? null : reader.GetGuid(offset + 8),
        CausationId = reader.IsDBNull(offset + 9) ? null : reader.GetGuid(offset + 9),
        UpdateId = reader.IsDBNull(offset + 10) ? null : reader.GetGuid(offset + 10),
        TransactionId = unchecked((ulong)reader.GetInt64(offset + 11)),
    };

    public static async Task<List<StoredEvent>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader));
        }
        return list;
    }
}
