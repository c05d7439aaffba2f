using CrdtCollab.Host.ScaleOut;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CrdtCollab.Host.Observability.Health;

/// <summary>
/// When scale-out is configured: Redis answers a PING. Degraded rather than unhealthy when it
/// does not, since a node keeps serving its own clients and the log catches the others up
/// (ScaleOut/CatchUpService); the balancer should keep sending traffic. Healthy when not configured.
/// </summary>
internal sealed class RedisHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<RedisConnection>() is not { } redis)
        {
            return HealthCheckResult.Healthy("not configured (single node)");
        }
        try
        {
            var rtt = await redis.Multiplexer.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"ping {rtt.TotalMilliseconds:F1} ms");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded("unreachable: " + e.GetType().Name);
        }
    }
}
