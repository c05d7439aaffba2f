using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CrdtCollab.Tests.Support;

namespace CrdtCollab.Integration.Tests.Support;

/// <summary>
/// A throwaway <c>redis-server</c> (Debian's package, installed with apt-get when missing) on a
/// free loopback port, with no persistence. <see cref="StopAsync"/> kills it (a Redis crash: every
/// message in flight is lost) and <see cref="StartAsync()"/> brings it back on the same port.
/// </summary>
public sealed class RedisFixture : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "crdtcollab-redis-" + Guid.NewGuid().ToString("N")[..12]);
    private Process? _process;

    private RedisFixture(int port) => Port = port;

    public int Port { get; }

    /// <summary>The <c>Redis:Configuration</c> value for the servers.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public bool Running => _process is { HasExited: false };

    /// <summary>Starts a new Redis on a free port.</summary>
    public static async Task<RedisFixture> StartNewAsync()
    {
        await EnsureInstalledAsync();
        var redis = new RedisFixture(FreePort());
        Directory.CreateDirectory(redis._dir);
        await redis.StartAsync();
        return redis;
    }

    /// <summary>Starts (again) on this fixture's port and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        if (Running)
        {
            return;
        }
        var start = new ProcessStartInfo(RedisServer)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir,
        };
        foreach (var a in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--dir", _dir, "--daemonize", "no", "--protected-mode", "yes" })
        {
            start.ArgumentList.Add(a);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start redis-server");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await PingAsync())
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within {StartTimeout}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Kills Redis (SIGKILL): connections drop, pub/sub messages in flight are gone.</summary>
    public async Task StopAsync()
    {
        if (_process is { } p)
        {
            _process = null;
            if (!p.HasExited)
            {
                p.Kill();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await p.WaitForExitAsync(wait.Token);
            }
            p.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static string RedisServer => File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server";

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[16];
            int n = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    // CI runs as root without a terminal: Apt installs Debian's package without a prompt.
    private static Task EnsureInstalledAsync() => Apt.EnsureAsync("/usr/bin/redis-server", "redis-server");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
