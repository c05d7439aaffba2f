using Npgsql;

namespace CrdtCollab.Host.Storage;

/// <summary>
/// The names of the documents (the log knows only stream ids). A document is listed from its
/// first open or creation; its last change comes from the log's stream head.
/// </summary>
internal sealed class DocumentCatalog(NpgsqlDataSource dataSource, string schema)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            CREATE TABLE IF NOT EXISTS {schema}.documents (
                id text PRIMARY KEY,
                stream_id uuid NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now())
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Lists the document; true when it was not listed before.</summary>
    public async Task<bool> EnsureAsync(string id, Guid streamId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"INSERT INTO {schema}.documents (id, stream_id) VALUES ($1, $2) ON CONFLICT DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The documents <paramref name="userId"/> may read, most recently changed first.</summary>
    public async Task<IReadOnlyList<DocumentSummary>> ListAsync(string userId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT d.id, d.created_at, s.updated_at, coalesce(s.version, 0)
              FROM {schema}.documents d LEFT JOIN {schema}.streams s ON s.id = d.stream_id
             WHERE EXISTS (SELECT 1 FROM {schema}.document_acl a
                            WHERE a.document_id = d.id AND a.user_id IN ($2, '*') AND a.role > 0)
             ORDER BY coalesce(s.updated_at, d.created_at) DESC, d.id
             LIMIT $1
            """);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userId });
        var result = new List<DocumentSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var created = reader.GetFieldValue<DateTimeOffset>(1);
            result.Add(new DocumentSummary(reader.GetString(0), created, reader.IsDBNull(2) ? created : reader.GetFieldValue<DateTimeOffset>(2), reader.GetInt64(3)));
        }
        return result;
    }
}
