using CrdtCollab.Tests.Support;
using Npgsql;
using Testcontainers.PostgreSql;
using Xunit;

namespace CrdtCollab.Integration.Tests;

/// <summary>
/// One PostgreSQL for the whole test run, from the first source that is available (see
/// <see cref="PostgresSourceChoice"/> and tests/Support/README.md): a Testcontainers
/// <c>postgres:15</c> when a Docker engine answers, else a throwaway server from the local
/// binaries, else the server named by CRDTCOLLAB_PG. Test classes isolate themselves by schema.
/// The collection definition (<c>PostgresCollection</c>) stays in each test assembly, because
/// xunit looks for collection definitions there.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private const string Image = "postgres:15";
    private LocalPostgresServer? _local;
    private PostgreSqlContainer? _container;

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    /// <summary>Which source this run uses.</summary>
    public PostgresSource Source { get; private set; }

    /// <summary>The local server's unix socket folder (libpq's PGHOST) when <see cref="Source"/> is <see cref="PostgresSource.LocalBinaries"/>.</summary>
    public string? SocketDirectory => _local?.SocketDirectory;

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(PostgresSourceChoice.ConnectionStringVariable);
        var forced = Environment.GetEnvironmentVariable(PostgresSourceChoice.ForceVariable);
        // Probing costs up to two seconds when nothing answers; skip it when another source is forced.
        bool probe = string.IsNullOrWhiteSpace(forced) || PostgresSourceChoice.Parse(forced) == PostgresSource.Container;
        bool docker = probe && await DockerEngine.AnswersAsync(DockerEngine.Endpoint(Environment.GetEnvironmentVariable("DOCKER_HOST")));
        Source = PostgresSourceChoice.Choose(docker, LocalPostgresServer.Available, external, forced);
        ConnectionString = Source switch
        {
            PostgresSource.Container => await StartContainerAsync(),
            PostgresSource.LocalBinaries => (_local = await LocalPostgresServer.StartAsync(LocalPostgresServer.TestSettings)).ConnectionString,
            _ => external!,
        };
        DataSource = CreateDataSource();
    }

    /// <summary>A separate pool on the same server; <paramref name="configure"/> adjusts its connection string.</summary>
    public NpgsqlDataSource CreateDataSource(int maxPoolSize = 50, Action<NpgsqlConnectionStringBuilder>? configure = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = maxPoolSize };
        configure?.Invoke(builder);
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    private async Task<string> StartContainerAsync()
    {
        // The same durability-off settings as the local server: the data is thrown away.
        var command = LocalPostgresServer.TestSettings.SelectMany(s => new[] { "-c", s }).ToArray();
        _container = new PostgreSqlBuilder(Image).WithCommand(command).Build();
        await _container.StartAsync();
        return new NpgsqlConnectionStringBuilder(_container.GetConnectionString()) { IncludeErrorDetail = true }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (DataSource is not null)
        {
            await DataSource.DisposeAsync();
        }
        if (_local is not null)
        {
            await _local.DisposeAsync();
        }
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}
