using Npgsql;

namespace CrdtCollab.Host.Security;

/// <summary>
/// Who may do what with each document, in PostgreSQL. The current roles are in
/// <c>document_acl</c> (user <c>*</c> = anyone signed in, the link role); every change is also
/// an append-only row of <c>permission_events</c> with who made it and when, and a NOTIFY on
/// <see cref="Channel"/> so every node re-checks its open connections at once.
/// </summary>
internal sealed class PermissionStore(NpgsqlDataSource dataSource, string schema)
{
    public const string Channel = "crdtcollab_acl";
    public const string Anyone = "*";

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            CREATE TABLE IF NOT EXISTS {schema}.document_acl (
                document_id text NOT NULL,
                user_id text NOT NULL,
                role smallint NOT NULL,
                PRIMARY KEY (document_id, user_id));
            CREATE TABLE IF NOT EXISTS {schema}.permission_events (
                position bigserial PRIMARY KEY,
                document_id text NOT NULL,
                user_id text NOT NULL,
                role smallint NOT NULL,
                changed_by text NOT NULL,
                changed_at timestamptz NOT NULL DEFAULT now());
            CREATE INDEX IF NOT EXISTS permission_events_document ON {schema}.permission_events (document_id, position);
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The user's role, claiming the document for them when nobody has any role on it yet: the
    /// first user of a document becomes its owner and everyone else gets <paramref name="linkRole"/>.
    /// </summary>
    public async Task<Role> ResolveAsync(string documentId, string userId, Role linkRole, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var claim = new NpgsqlCommand(
            $"""
            WITH link AS (
                INSERT INTO {schema}.document_acl (document_id, user_id, role)
                SELECT $1, '*', $3 WHERE NOT EXISTS (SELECT 1 FROM {schema}.document_acl WHERE document_id = $1)
                ON CONFLICT DO NOTHING RETURNING 1),
            owner AS (
                INSERT INTO {schema}.document_acl (document_id, user_id, role)
                SELECT $1, $2, {(int)Role.Owner} FROM link
                ON CONFLICT DO NOTHING RETURNING 1)
            INSERT INTO {schema}.permission_events (document_id, user_id, role, changed_by)
            SELECT $1, u, r, $2 FROM owner, (VALUES ($2, {(int)Role.Owner}), ('*', $3::int)) AS v(u, r)
            """, connection))
        {
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = documentId });
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userId });
            claim.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)linkRole });
            await claim.ExecuteNonQueryAsync(cancellationToken);
        }
        return await RoleOfAsync(connection, documentId, userId, cancellationToken);
    }

    /// <summary>The user's role (none when the document has no rules for them).</summary>
    public async Task<Role> RoleOfAsync(string documentId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await RoleOfAsync(connection, documentId, userId, cancellationToken);
    }

    /// <summary>
    /// Sets a user's role (<see cref="Role.None"/> shuts them out even of a shared document), or
    /// with <paramref name="remove"/> deletes their rule so the link role applies again; records
    /// who did it and tells every node.
    /// </summary>
    public async Task SetAsync(string documentId, string userId, Role role, string changedBy, CancellationToken cancellationToken, bool remove = false)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var sql = remove
            ? $"DELETE FROM {schema}.document_acl WHERE document_id = $1 AND user_id = $2"
            : $"INSERT INTO {schema}.document_acl (document_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT (document_id, user_id) DO UPDATE SET role = EXCLUDED.role";
        await using (var change = new NpgsqlCommand(sql, connection, transaction))
        {
            change.Parameters.Add(new NpgsqlParameter<string> { TypedValue = documentId });
            change.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userId });
            if (!remove)
            {
                change.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)role });
            }
            await change.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var record = new NpgsqlCommand(
            $"WITH e AS (INSERT INTO {schema}.permission_events (document_id, user_id, role, changed_by) VALUES ($1, $2, $3, $4) RETURNING 1) SELECT pg_notify('{Channel}', $5) FROM e",
            connection, transaction))
        {
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = documentId });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userId });
            record.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)role });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = changedBy });
            // NOTIFY is delivered at commit, so a node never re-checks before the change is visible.
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema + "/" + documentId });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The current roles of a document (including <c>*</c>, the link role).</summary>
    public async Task<IReadOnlyList<(string UserId, Role Role)>> ListAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT user_id, role FROM {schema}.document_acl WHERE document_id = $1 ORDER BY role DESC, user_id");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = documentId });
        var result = new List<(string, Role)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add((reader.GetString(0), (Role)reader.GetInt16(1)));
        }
        return result;
    }

    /// <summary>The permission history of a document, oldest first.</summary>
    public async Task<IReadOnlyList<PermissionChange>> HistoryAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT user_id, role, changed_by, changed_at FROM {schema}.permission_events WHERE document_id = $1 ORDER BY position");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = documentId });
        var result = new List<PermissionChange>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new PermissionChange(reader.GetString(0), RoleNames.Of((Role)reader.GetInt16(1)), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        return result;
    }

    private async Task<Role> RoleOfAsync(NpgsqlConnection connection, string documentId, string userId, CancellationToken cancellationToken)
    {
        // The user's own rule wins, even when it is lower than the link role (a "none" row shuts
        // one user out of a shared document); otherwise the link role, which gives at most editor.
        await using var command = new NpgsqlCommand(
            $"""
            SELECT coalesce(
                (SELECT role FROM {schema}.document_acl WHERE document_id = $1 AND user_id = $2),
                (SELECT least(role, {(int)Role.Editor}) FROM {schema}.document_acl WHERE document_id = $1 AND user_id = '*'),
                0)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = documentId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userId });
        return (Role)Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
