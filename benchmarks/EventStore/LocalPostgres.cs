using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CrdtCollab.Benchmarks.EventStore;

/// <summary>A throwaway PostgreSQL from the local binaries for the event-store benchmark (or CRDTCOLLAB_PG).</summary>
internal sealed class LocalPostgres : IAsyncDisposable
{
    private const string BinDir = "/usr/lib/postgresql/15/bin";
    private readonly string? _dir;
    private readonly bool _asPostgres;

    private LocalPostgres(string connectionString, string? dir, bool asPostgres)
    {
        ConnectionString = connectionString;
        _dir = dir;
        _asPostgres = asPostgres;
    }

    public string ConnectionString { get; }

    public static async Task<LocalPostgres> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable("CRDTCOLLAB_PG");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new LocalPostgres(external, null, false);
        }
        // initdb and postgres refuse root; CI and sessions run as root.
        var asPostgres = Environment.UserName == "root";
        var dir = Path.Combine(Path.GetTempPath(), "crdtcollab-bench-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        if (asPostgres)
        {
            await RunAsync("chown", ["postgres:postgres", dir], false);
        }
        var data = Path.Combine(dir, "data");
        await RunAsync(Path.Combine(BinDir, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], asPostgres);
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        // Durable defaults except fsync: the benchmark compares our append with raw COPY on the same
        // server, so both pay the same (non-)durability cost.
        var options = $"-p {port} -k {dir} -c listen_addresses='' -c fsync=off -c shared_buffers=256MB -c max_wal_size=2GB";
        await RunAsync(Path.Combine(BinDir, "pg_ctl"), ["-D", data, "-l", Path.Combine(dir, "log"), "-o", options, "-w", "-t", "60", "start"], asPostgres);
        return new LocalPostgres($"Host={dir};Port={port};Username=postgres;Database=postgres", dir, asPostgres);
    }

    public async ValueTask DisposeAsync()
    {
        if (_dir is null)
        {
            return;
        }
        try
        {
            await RunAsync(Path.Combine(BinDir, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"], _asPostgres);
        }
        finally
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> args, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true };
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
