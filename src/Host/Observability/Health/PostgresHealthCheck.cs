using CrdtCollab.EventStore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CrdtCollab.Host.Observability.Health;

/// <summary>Ready only when PostgreSQL answers now and the event store's schema is current.</summary>
internal sealed class PostgresHealthCheck(PostgresEventStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            int pending = await store.GetPendingMigrationsAsync(cancellationToken);
            return pending == 0
                ? HealthCheckResult.Healthy("reachable, schema current")
                : HealthCheckResult.Unhealthy($"{pending} migrations not applied");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The type only: a message can carry the host name or more of the connection string.
            return HealthCheckResult.Unhealthy("unreachable: " + e.GetType().Name);
        }
    }
}
