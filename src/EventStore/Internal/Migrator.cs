using Npgsql;

namespace CrdtCollab.EventStore.Internal;

/// <summary>Applies pending <see cref="Migrations"/> idempotently.</summary>
internal static class Migrator
{
    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Several servers may start at once. The transaction-level lock makes them apply the
        // migrations one after another; later ones then find nothing pending. It is taken before
        // CREATE SCHEMA because even IF NOT EXISTS races on the catalog's unique index.
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = LockKeys.Migration(schema) });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = 0L;
        await using (var command = new NpgsqlCommand(
            $"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (
                version     int         PRIMARY KEY,
                applied_at  timestamptz NOT NULL DEFAULT now()
            );
            SELECT coalesce(max(version), 0) FROM {schema}.schema_migrations;
            """, connection, transaction))
        {
            applied = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        var count = 0;
        foreach (var (version, sql) in Migrations.All(schema))
        {
            if (version <= applied)
            {
                continue;
            }
            await using var command = new NpgsqlCommand(sql + $"; INSERT INTO {schema}.schema_migrations (version) VALUES ({version});", connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
            count++;
        }

        await transaction.CommitAsync(cancellationToken);
        return count;
    }
}
