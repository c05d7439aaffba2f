using System.Net;
using System.Net.Sockets;
using CrdtCollab.EventStore;
using CrdtCollab.Host;
using CrdtCollab.Host.LiveDocuments;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrdtCollab.Integration.Tests.Support;

/// <summary>
/// A real sync server (Kestrel on a loopback port) on the test PostgreSQL, in a schema of its
/// own. <see cref="RestartAsync"/> stops it gracefully and starts a new one on the same schema
/// and port, as a deploy would.
/// </summary>
public sealed class SyncServer : IAsyncDisposable
{
    private readonly PostgresFixture _postgres;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "crdtcollab-host-" + Guid.NewGuid().ToString("N")[..12]);
    private WebApplication? _app;

    private SyncServer(PostgresFixture postgres, string schema, int port, IReadOnlyDictionary<string, string?> settings)
    {
        _postgres = postgres;
        Schema = schema;
        Port = port;
        _settings = settings;
    }

    public string Schema { get; }

    public int Port { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}");

    public string WsUrl => $"ws://127.0.0.1:{Port}";

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("the server is stopped");

    /// <summary>Starts a server. <paramref name="settings"/> are configuration keys such as <c>Sync:FlushInterval</c>.</summary>
    public static async Task<SyncServer> StartAsync(PostgresFixture postgres, IReadOnlyDictionary<string, string?>? settings = null, string? schema = null)
    {
        var server = new SyncServer(postgres, schema ?? "sync_" + Guid.NewGuid().ToString("N")[..12], FreePort(), settings ?? new Dictionary<string, string?>());
        await server.StartAppAsync();
        return server;
    }

    /// <summary>Stops gracefully (flush, then close with 1012) and starts again on the same schema and port.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAppAsync();
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>The event store this server writes to.</summary>
    public PostgresEventStore OpenStore() => new(_postgres.DataSource, new EventStoreOptions { Schema = Schema });

    /// <summary>Replays a document's stored events into a fresh document's full state.</summary>
    public async Task<Crdt.YDoc> ReplayAsync(string documentId)
    {
        var state = await OpenStore().LoadDocumentAsync(DocumentStreamId.For(documentId));
        var doc = new Crdt.YDoc();
        foreach (var u in state.Updates())
        {
            doc.ApplyUpdate(u);
        }
        return doc;
    }

    /// <summary>A token for <paramref name="name"/>: from the embedded issuer (POST /auth/dev-token), or the tests' issuer when the server trusts it.</summary>
    public async Task<string> TokenAsync(string name = "tester")
    {
        if (_settings.ContainsKey("Auth:SigningKey"))
        {
            // The server trusts the tests' external issuer and has no dev-token endpoint.
            return TestTokens.For(name.ToLowerInvariant());
        }
        using var http = new HttpClient { BaseAddress = BaseUrl };
        var response = await http.PostAsync("/auth/dev-token", new StringContent($"{{\"name\":\"{name}\"}}", System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>An HTTP client signed in as <paramref name="name"/>.</summary>
    public async Task<HttpClient> HttpAsync(string name = "tester")
    {
        var http = new HttpClient { BaseAddress = BaseUrl };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await TokenAsync(name));
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Never started far enough to write its key.
        }
    }

    private async Task StartAppAsync()
    {
        var config = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = _settings.TryGetValue("ConnectionStrings:Postgres", out var cs) ? cs : _postgres.ConnectionString,
            ["Sync:Schema"] = Schema,
            ["urls"] = BaseUrl.ToString().TrimEnd('/'),
            // The embedded issuer keeps its signing key here; a restart reuses it, so tokens survive.
            ["Sync:DataDirectory"] = _dataDirectory,
            // Tests open many connections from one address.
            ["Limits:HttpRequestsPerMinute"] = "100000",
            // Quiet: warnings and errors only (Serilog takes its levels from this section).
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        };
        foreach (var (k, v) in _settings)
        {
            config[k] = v;
        }
        _app = await SyncServerApp.BuildAsync([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(config);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }, contentRoot: RepoPaths.Of("src", "Host"));
        await _app.StartAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
