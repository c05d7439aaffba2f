using CrdtCollab.Tests.Support;

namespace CrdtCollab.Benchmarks.EventStore;

/// <summary>
/// The benchmarks' PostgreSQL: CRDTCOLLAB_PG when set (measure a real server), else a throwaway one
/// from the local binaries, started by the tests' shared starter (tests/Support) with the
/// benchmark's own settings.
/// </summary>
internal sealed class LocalPostgres : IAsyncDisposable
{
    // Durable defaults except fsync: the benchmark compares our append with raw COPY on the same
    // server, so both pay the same (non-)durability cost.
    private static readonly string[] Settings = ["fsync=off", "shared_buffers=256MB", "max_wal_size=2GB"];

    private readonly LocalPostgresServer? _server;

    private LocalPostgres(string connectionString, LocalPostgresServer? server)
    {
        ConnectionString = connectionString;
        _server = server;
    }

    public string ConnectionString { get; }

    public static async Task<LocalPostgres> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(PostgresSourceChoice.ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new LocalPostgres(external, null);
        }
        var server = await LocalPostgresServer.StartAsync(Settings, "crdtcollab-bench-pg-");
        return new LocalPostgres(server.ConnectionString, server);
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;
}
