using CrdtCollab.EventStore;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Host.ScaleOut;
using CrdtCollab.Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CrdtCollab.Integration.Tests.ScaleOut;

/// <summary>Two in-process sync servers on one schema and one Redis (started here, on a free loopback port).</summary>
internal sealed class TwoNodes : IAsyncDisposable
{
    private TwoNodes(RedisFixture redis, SyncServer a, SyncServer b)
    {
        Redis = redis;
        A = a;
        B = b;
    }

    public RedisFixture Redis { get; }

    public SyncServer A { get; }

    public SyncServer B { get; }

    public static async Task<TwoNodes> StartAsync(PostgresFixture postgres, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var redis = await RedisFixture.StartNewAsync();
        // Both nodes must accept the same tokens: one issuer with a key they share, as in production.
        var config = new Dictionary<string, string?>(TestTokens.ServerSettings()) { ["Redis:Configuration"] = redis.Configuration };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            config[k] = v;
        }
        var a = await SyncServer.StartAsync(postgres, config);
        var b = await SyncServer.StartAsync(postgres, config, a.Schema);
        return new TwoNodes(redis, a, b);
    }

    public static RedisDocumentFanOut FanOutOf(SyncServer server) => server.Services.GetRequiredService<RedisDocumentFanOut>();

    /// <summary>Every stored event of a document, in log order.</summary>
    public async Task<IReadOnlyList<StoredEvent>> EventsAsync(string documentId) =>
        await A.OpenStore().ReadStreamAsync(DocumentStreamId.For(documentId));

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
