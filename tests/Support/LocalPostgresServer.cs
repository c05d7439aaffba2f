using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CrdtCollab.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL from the local binaries (<c>initdb</c> + <c>pg_ctl</c> in a temporary
/// folder, unix socket only, no TCP). The one PostgreSQL starter of the test projects and the
/// benchmarks; <see cref="DisposeAsync"/> stops it and deletes its folder.
/// </summary>
public sealed class LocalPostgresServer : IAsyncDisposable
{
    /// <summary>Debian's PostgreSQL 15, the version the project targets.</summary>
    public const string BinDir = "/usr/lib/postgresql/15/bin";

    /// <summary>Settings for tests: durability off (a crash loses a throwaway database anyway), room for many pools.</summary>
    public static readonly IReadOnlyList<string> TestSettings =
        ["fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=200", "shared_buffers=128MB"];

    private readonly string _dir;
    private readonly bool _asPostgresUser;

    private LocalPostgresServer(string dir, bool asPostgresUser, string connectionString)
    {
        _dir = dir;
        _asPostgresUser = asPostgresUser;
        ConnectionString = connectionString;
    }

    /// <summary>True when this machine has the binaries to start one.</summary>
    public static bool Available => File.Exists(Path.Combine(BinDir, "initdb")) && File.Exists(Path.Combine(BinDir, "pg_ctl"));

    public string ConnectionString { get; }

    /// <summary>The folder of the unix socket (libpq's PGHOST).</summary>
    public string SocketDirectory => _dir;

    /// <summary>Starts a server with <paramref name="settings"/> (<c>name=value</c>, passed as <c>-c</c>).</summary>
    public static async Task<LocalPostgresServer> StartAsync(IReadOnlyList<string> settings, string prefix = "crdtcollab-pg-")
    {
        // initdb and postgres refuse to run as root; CI and sessions are root, so use the postgres user.
        var asPostgres = Environment.UserName == "root";
        var dir = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        if (asPostgres)
        {
            await RunAsync("chown", ["postgres:postgres", dir], asPostgres: false);
        }
        var data = Path.Combine(dir, "data");
        await RunAsync(Path.Combine(BinDir, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], asPostgres);
        var port = FreePort();
        var options = $"-p {port} -k {dir} -c listen_addresses='' " + string.Join(' ', settings.Select(s => "-c " + s));
        await RunAsync(Path.Combine(BinDir, "pg_ctl"), ["-D", data, "-l", Path.Combine(dir, "log"), "-o", options, "-w", "-t", "60", "start"], asPostgres);
        return new LocalPostgresServer(dir, asPostgres, $"Host={dir};Port={port};Username=postgres;Database=postgres;Pooling=true;Include Error Detail=true");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync(Path.Combine(BinDir, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"], _asPostgresUser);
        }
        finally
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

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
