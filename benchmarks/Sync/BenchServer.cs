using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using CrdtCollab.Benchmarks.Traces;
using CrdtCollab.Host;
using CrdtCollab.Host.Commit;
using CrdtCollab.Host.Intake;
using CrdtCollab.Host.LiveDocuments;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CrdtCollab.Benchmarks.Sync;

/// <summary>
/// A real sync server (Kestrel on a loopback port, in this process) on the benchmark's PostgreSQL,
/// in a fresh schema, with the Sync settings a scenario asks for. Also listens to the server's
/// <c>CrdtCollab.Sync</c> meter for batch sizes and commit times.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MeterListener _meters = new();
    private long _batches;
    private long _batchedUpdates;
    private double _commitMs;
    private readonly List<(long End, double Ms)> _commits = [];

    private readonly string _dataDirectory;
    private int _users;

    private BenchServer(WebApplication app, string schema, int port, string connectionString, string dataDirectory)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        Schema = schema;
        Port = port;
        ConnectionString = connectionString;
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SyncMetrics.MeterName && instrument.Name is "crdtcollab.batch.size" or "crdtcollab.batch.commit.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<int>((_, value, _, _) =>
        {
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _batchedUpdates, value);
        });
        _meters.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            long end = System.Diagnostics.Stopwatch.GetTimestamp();
            lock (_commits)
            {
                _commitMs += value;
                if (_commits.Count < 1_000_000)
                {
                    _commits.Add((end, value));
                }
            }
        });
        _meters.Start();
    }

    public string Schema { get; }

    public int Port { get; }

    public string ConnectionString { get; }

    public IServiceProvider Services => _app.Services;

    public Uri HubUrl => new($"http://127.0.0.1:{Port}/hubs/sync");

    /// <summary>Batches committed so far, updates in them, and the summed AppendBatch time.</summary>
    public (long Batches, long Updates, double CommitMs) BatchStats
    {
        get
        {
            lock (_commits)
            {
                return (Interlocked.Read(ref _batches), Interlocked.Read(ref _batchedUpdates), _commitMs);
            }
        }
    }

    /// <summary>
    /// The most batch commits (AppendBatch calls) that overlapped in time since <paramref name="since"/>
    /// (a Stopwatch timestamp): 1 when commits are sequential, as the pipeline intends.
    /// </summary>
    public int MaxConcurrentCommits(long since)
    {
        var edges = new List<(long At, int Delta)>();
        lock (_commits)
        {
            foreach (var (end, ms) in _commits)
            {
                long start = end - (long)(ms * System.Diagnostics.Stopwatch.Frequency / 1000);
                if (start >= since)
                {
                    edges.Add((start, 1));
                    edges.Add((end, -1));
                }
            }
        }
        int now = 0, max = 0;
        foreach (var (_, d) in edges.OrderBy(e => e.At).ThenBy(e => e.Delta))
        {
            now += d;
            max = Math.Max(max, now);
        }
        return max;
    }

    public static async Task<BenchServer> StartAsync(string connectionString, IReadOnlyDictionary<string, string?> settings)
    {
        var schema = "bench_" + Guid.NewGuid().ToString("N")[..10];
        var port = FreePort();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "crdtcollab-bench-host-" + Guid.NewGuid().ToString("N")[..12]);
        var config = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Sync:Schema"] = schema,
            ["urls"] = $"http://127.0.0.1:{port}",
            // The benchmark holds its documents for the whole run; no idle eviction mid-measurement.
            ["Sync:IdleTimeout"] = "01:00:00",
            // appsettings.json sets Information; the benchmark wants warnings only.
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            ["Logging:LogLevel:CrdtCollab"] = "Warning",
            ["Logging:LogLevel:Wolverine"] = "Warning",
            // Servers with the security layer: the embedded token issuer keeps its key here…
            ["Sync:DataDirectory"] = dataDirectory,
            // …and the abuse limits (100 updates/s per connection, 100 sessions per user, 1,200
            // HTTP requests a minute per address) would be what a load test measures; lifted.
            ["Limits:UpdatesPerSecond"] = "1000000",
            ["Limits:UpdateBurst"] = "1000000",
            ["Limits:MaxConnectionsPerUser"] = "1000000",
            ["Limits:MaxConnectionsPerDocument"] = "1000000",
            ["Limits:HttpRequestsPerMinute"] = "10000000",
        };
        foreach (var (k, v) in settings)
        {
            config[k] = v;
        }
        var app = await SyncServerApp.BuildAsync([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(config);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }, contentRoot: Path.Combine(RepoPaths.RepoRoot, "src", "Host"));
        await app.StartAsync();
        var server = new BenchServer(app, schema, port, connectionString, dataDirectory);
        await server.PrimeAsync();
        return server;
    }

    /// <summary>
    /// One update through the pipeline before any measurement: Wolverine (Dynamic code generation)
    /// compiles its batch handler on the first batch, about 2 s here, which would otherwise land in a
    /// scenario's warm-up or window. Its row is counted before any scenario starts.
    /// </summary>
    private async Task PrimeAsync()
    {
        var registry = Services.GetRequiredService<LiveDocumentRegistry>();
        var doc = await registry.GetOrLoadAsync("prime", CancellationToken.None);
        await Services.GetRequiredService<UpdateIntake>().SubmitAsync(doc, new Writer("prime", 0).Next("x"), null, null).WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>A SignalR client on the MessagePack protocol over WebSockets (no negotiate round trip).</summary>
    public async Task<HubConnection> ConnectAsync()
    {
        var token = await TokenAsync(Port, $"bench-{Interlocked.Increment(ref _users)}");
        var connection = new HubConnectionBuilder()
            .WithUrl(HubUrl, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                if (token is not null)
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            })
            .AddMessagePackProtocol()
            .Build();
        // Acks at the far end of a slow run can take a while; the defaults (30 s) would cut them.
        connection.ServerTimeout = TimeSpan.FromSeconds(120);
        await connection.StartAsync();
        return connection;
    }

    /// <summary>
    /// A token from the server's embedded issuer (<c>POST /auth/dev-token</c>), one user per
    /// connection; null from a server without the security layer (404).
    /// </summary>
    public static async Task<string?> TokenAsync(int port, string user)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var response = await http.PostAsync(new Uri("/auth/dev-token", UriKind.Relative),
            new StringContent($"{{\"name\":\"{user}\"}}", System.Text.Encoding.UTF8, "application/json"));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString();
    }

    /// <summary>Rows in this server's <c>events</c> table.</summary>
    public async Task<long> CountStoredEventsAsync()
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {Schema}.events", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        _meters.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
