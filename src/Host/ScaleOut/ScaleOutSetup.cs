using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CrdtCollab.Host.ScaleOut;

/// <summary>
/// Registers the scale-out layer when <c>Redis:Configuration</c> is set: the Redis connection,
/// the per-document fan-out with its catch-up from the log, and the SignalR Redis backplane.
/// Without it nothing here is registered and the server is a single node.
/// </summary>
internal static class ScaleOutSetup
{
    public static void Add(WebApplicationBuilder builder, SyncServerOptions sync)
    {
        var section = builder.Configuration.GetSection(ScaleOutOptions.Section);
        var options = section.Get<ScaleOutOptions>() ?? new ScaleOutOptions();
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            return;
        }
        var services = builder.Services;
        services.AddOptions<ScaleOutOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RedisConnection>();
        services.AddSingleton<RedisDocumentFanOut>();
        services.AddSingleton<IDocumentReplication>(sp => sp.GetRequiredService<RedisDocumentFanOut>());
        services.AddHostedService<CatchUpService>();

        // The hub's own backplane, on the same connection: a send addressed to a connection or a
        // group on another node reaches it. Document fan-out itself goes through the channels
        // above, so that every transport of every node sees one order per document.
        if (options.SignalRBackplane)
        {
            services.AddSignalR().AddStackExchangeRedis(redis =>
                redis.Configuration.ChannelPrefix = RedisChannel.Literal(PrefixOf(options, sync) + "signalr:"));
            services.AddOptions<RedisOptions>().Configure<RedisConnection>((redis, connection) =>
                redis.ConnectionFactory = _ => Task.FromResult(connection.Multiplexer));
        }
    }

    public static string PrefixOf(ScaleOutOptions options, SyncServerOptions sync) =>
        string.IsNullOrEmpty(options.ChannelPrefix) ? $"crdtcollab:{sync.Schema}:" : options.ChannelPrefix;
}
