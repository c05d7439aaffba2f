using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CrdtCollab.Integration.Tests.Support;

/// <summary>
/// The sync server as its own process (<c>dotnet src/Host/bin/{Configuration}/net10.0/CrdtCollab.Host.dll</c>),
/// so a test can <see cref="Kill"/> it with SIGKILL: no shutdown flush, no close frames, as a crash.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private HostProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}");

    public bool Exited => _process.HasExited;

    /// <summary>Every line the server prints on stdout or stderr, as it arrives.</summary>
    public event Action<string>? LineWritten;

    /// <summary>The last lines the server printed (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>Starts a server and waits until <c>/health</c> answers.</summary>
    public static async Task<HostProcess> StartAsync(string postgres, string schema, IReadOnlyDictionary<string, string?> settings, TimeSpan? timeout = null)
    {
        var dll = RepoPaths.Of("src", "Host", "bin", Configuration, "net10.0", "CrdtCollab.Host.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build src/Host in {Configuration} first");
        }
        int port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.Of("src", "Host"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        var args = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = postgres,
            ["Sync:Schema"] = schema,
            ["urls"] = $"http://127.0.0.1:{port}",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in settings)
        {
            args[k] = v;
        }
        foreach (var (k, v) in args)
        {
            start.ArgumentList.Add($"--{k}={v}");
        }
        var host = new HostProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet"), port);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (host.Exited)
            {
                throw new InvalidOperationException($"the server exited with {host._process.ExitCode}:\n{host.Output}");
            }
            try
            {
                using var response = await Http.GetAsync(new Uri(host.BaseUrl, "health"));
                if (response.IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
            {
                host.Kill();
                throw new TimeoutException($"the server did not answer /health in time:\n{host.Output}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
    }

    /// <summary>Resident memory of the server process, from /proc.</summary>
    public long RssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        LineWritten?.Invoke(line);
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > 200)
            {
                _output.Dequeue();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
