using System.Diagnostics;
using Npgsql;

namespace CrdtCollab.Host.Storage;

/// <summary>
/// The zero-configuration database: a PostgreSQL server started from the local binaries in a data
/// folder that survives restarts, listening on a Unix socket inside that folder only (no TCP port,
/// so it never clashes with another server). initdb and postgres refuse to run as root, so as root
/// they run as the <c>postgres</c> user, in a folder that user owns.
/// </summary>
internal sealed class EmbeddedPostgres(string dataDirectory, ILogger logger) : IAsyncDisposable
{
    public const string DefaultBinDirectory = "/usr/lib/postgresql/15/bin";
    private const int Port = 5432;

    private readonly bool _asPostgresUser = Environment.UserName == "root";
    private bool _startedByUs;

    public string ClusterDirectory => Path.Combine(dataDirectory, "pg");

    public string ConnectionString =>
        $"Host={dataDirectory};Port={Port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50";

    /// <summary>Where the data lives by default: $CRDTCOLLAB_DATA, else /var/lib/crdtcollab as root, else ~/.local/share/crdtcollab.</summary>
    public static string DefaultDataDirectory()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CRDTCOLLAB_DATA");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }
        // Root's home is closed to the postgres user, so as root the data goes where both can reach.
        return Environment.UserName == "root"
            ? "/var/lib/crdtcollab"
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "crdtcollab");
    }

    /// <summary>Starts the server (creating the cluster on first use), or reuses one already running there.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is not installed, with what to install or set.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var bin = Environment.GetEnvironmentVariable("CRDTCOLLAB_PG_BIN") ?? DefaultBinDirectory;
        if (!File.Exists(Path.Combine(bin, "pg_ctl")))
        {
            throw new InvalidOperationException(
                $"No PostgreSQL connection string is configured and no PostgreSQL 15 binaries were found in {bin}. " +
                "Either install them (Debian: apt-get install postgresql-15) or point the server at a database with " +
                "ConnectionStrings__Postgres=\"Host=...;Username=...;Password=...;Database=...\" (or --ConnectionStrings:Postgres=...).");
        }
        Directory.CreateDirectory(dataDirectory);
        if (_asPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", dataDirectory], asPostgres: false, cancellationToken);
        }
        if (await CanConnectAsync(cancellationToken))
        {
            HostLog.Startup(logger, $"Embedded PostgreSQL already running in {ClusterDirectory}");
            return;
        }
        if (!File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION")))
        {
            HostLog.Startup(logger, $"Creating the embedded PostgreSQL cluster in {ClusterDirectory}");
            try
            {
                await RunAsync(Path.Combine(bin, "initdb"), ["-D", ClusterDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"], _asPostgresUser, cancellationToken);
            }
            catch (InvalidOperationException e) when (_asPostgresUser)
            {
                throw new InvalidOperationException(
                    $"Creating the embedded PostgreSQL in {ClusterDirectory} failed. It runs as the postgres user, which must be able to " +
                    $"reach that folder (every parent folder needs o+x); choose another with CRDTCOLLAB_DATA or Sync:DataDirectory. {e.Message}", e);
            }
        }
        var options = $"-p {Port} -k {dataDirectory} -c listen_addresses='' -c max_connections=200";
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", ClusterDirectory, "-l", Path.Combine(dataDirectory, "postgres.log"), "-o", options, "-w", "-t", "60", "start"], _asPostgresUser, cancellationToken);
        _startedByUs = true;
        HostLog.Startup(logger, $"Embedded PostgreSQL started: data {ClusterDirectory}, socket {dataDirectory}, log {Path.Combine(dataDirectory, "postgres.log")}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_startedByUs)
        {
            var bin = Environment.GetEnvironmentVariable("CRDTCOLLAB_PG_BIN") ?? DefaultBinDirectory;
            await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", ClusterDirectory, "-m", "fast", "-w", "stop"], _asPostgresUser, CancellationToken.None);
        }
    }

    private async Task<bool> CanConnectAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(dataDirectory, $".s.PGSQL.{Port}")))
        {
            return false;
        }
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString + ";Timeout=3");
            await connection.OpenAsync(cancellationToken);
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> args, bool asPostgres, CancellationToken cancellationToken)
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
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {await stdout}\n{await stderr}");
        }
    }
}
