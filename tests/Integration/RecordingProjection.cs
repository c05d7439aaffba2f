using System.Collections.Concurrent;
using CrdtCollab.EventStore;
using Npgsql;

namespace CrdtCollab.Integration.Tests;

/// <summary>
/// An async projection that writes every event it applies into a table without a unique key, so a
/// double application shows up as a duplicate row, and records each delivery in memory.
/// </summary>
internal sealed class RecordingProjection(string schema, string name = "recording") : IAsyncProjection
{
    public string Name => name;

    /// <summary>Every batch handed to ApplyAsync, including ones later rolled back.</summary>
    public ConcurrentQueue<long[]> Deliveries { get; } = new();

    public int Resets;

    /// <summary>Runs inside the batch's transaction after the rows are written; lets a test stall or crash it.</summary>
    public Func<NpgsqlConnection, IReadOnlyList<StoredEvent>, CancellationToken, Task>? AfterWrite { get; set; }

    public string Table => $"{schema}.projected_{name}";

    public async Task CreateTableAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand($"CREATE TABLE IF NOT EXISTS {Table} (position bigint NOT NULL, stream_id uuid NOT NULL, version bigint NOT NULL)");
        await command.ExecuteNonQueryAsync();
    }

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        Deliveries.Enqueue(events.Select(e => e.GlobalPosition).ToArray());
        await using (var command = new NpgsqlCommand($"INSERT INTO {Table} SELECT * FROM unnest($1, $2, $3)", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = events.Select(e => e.GlobalPosition).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = events.Select(e => e.StreamId).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = events.Select(e => e.StreamVersion).ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        if (AfterWrite is { } hook)
        {
            await hook(connection, events, cancellationToken);
        }
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Resets);
        await using var command = new NpgsqlCommand($"DELETE FROM {Table}", connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Positions in the projection table, in insertion order (physical order is fine for a fresh heap without updates).</summary>
    public async Task<List<long>> ProjectedAsync(NpgsqlDataSource dataSource)
    {
        var list = new List<long>();
        await using var command = dataSource.CreateCommand($"SELECT position FROM {Table} ORDER BY position");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(reader.GetInt64(0));
        }
        return list;
    }

    public static async Task<List<long>> AllPositionsAsync(NpgsqlDataSource dataSource, string schema)
    {
        var list = new List<long>();
        await using var command = dataSource.CreateCommand($"SELECT global_position FROM {schema}.events ORDER BY global_position");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(reader.GetInt64(0));
        }
        return list;
    }
}
