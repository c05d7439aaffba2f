using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CrdtCollab.Host.ScaleOut;

/// <summary>
/// The node's one Redis connection, shared by the document channels and the SignalR backplane.
/// It never aborts on a failed connect and reconnects every half second; while it is away,
/// publishes fail at once instead of queueing in memory (the log covers what they carried).
/// </summary>
internal sealed class RedisConnection : IDisposable
{
    public RedisConnection(IOptions<ScaleOutOptions> options)
    {
        var configuration = ConfigurationOptions.Parse(options.Value.Configuration!);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy = new LinearRetry(500);
        configuration.ConnectTimeout = Math.Min(configuration.ConnectTimeout, 2000);
        configuration.ClientName ??= "crdtcollab";
        Multiplexer = ConnectionMultiplexer.Connect(configuration);
    }

    public IConnectionMultiplexer Multiplexer { get; }

    public void Dispose() => Multiplexer.Dispose();
}
