using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace CrdtCollab.Integration.Tests;

/// <summary>
/// Starts one throwaway PostgreSQL for the whole test run from the local binaries (or uses
/// CRDTCOLLAB_PG when set) and removes it at the end. Test classes isolate themselves by schema.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private const string BinDir = "/usr/lib/postgresql/15/bin";
    private string? _dir;
    private bool _asPostgresUser;

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("CRDTCOLLAB_PG");
        if (!string.IsNullOrWhiteSpace(external))
        {
            ConnectionString = external;
        }
        else
        {
            ConnectionString = await StartServerAsync();
        }
        DataSource = CreateDataSource();
    }

    /// <summary>A separate pool on the same server; <paramref name="configure"/> adjusts its connection string.</summary>
    public NpgsqlDataSource CreateDataSource(int maxPoolSize = 50, Action<NpgsqlConnectionStringBuilder>? configure = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = maxPoolSize };
        configure?.Invoke(builder);
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    private async Task<string> StartServerAsync()
    {
        // initdb and postgres refuse to run as root; CI and sessions are root, so use the postgres user.
        _asPostgresUser = Environment.UserName == "root";
        _dir = Path.Combine(Path.GetTempPath(), "crdtcollab-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_dir);
        if (_asPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", _dir], asPostgres: false);
        }
        var data = Path.Combine(_dir, "data");
        await RunAsync(Path.Combine(BinDir, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
        var port = FreePort();
        var options = $"-p {port} -k {_dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=128MB";
        await RunAsync(Path.Combine(BinDir, "pg_ctl"), ["-D", data, "-l", Path.Combine(_dir, "log"), "-o", options, "-w", "-t", "60", "start"]);
        return $"Host={_dir};Port={port};Username=postgres;Database=postgres;Pooling=true;Include Error Detail=true";
    }

    public async Task DisposeAsync()
    {
        if (DataSource is not null)
        {
            await DataSource.DisposeAsync();
        }
        if (_dir is not null)
        {
            try
            {
                await RunAsync(Path.Combine(BinDir, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"]);
            }
            finally
            {
                Directory.Delete(_dir, recursive: true);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task RunAsync(string file, IReadOnlyList<string> args) => RunAsync(file, args, _asPostgresUser);

    private static async Task RunAsync(string file, IReadOnlyList<string> args, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {await stdout}\n{await stderr}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
