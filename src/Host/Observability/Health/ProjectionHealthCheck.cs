using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CrdtCollab.Host.Observability.Health;

/// <summary>
/// Ready when every projection daemon registered with <see cref="ProjectionMonitor"/> runs on this
/// node and some node (this one or another) leads it. A node with no daemons is ready.
/// </summary>
internal sealed class ProjectionHealthCheck(ProjectionMonitor monitor) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var probes = monitor.Probes;
        var problems = new List<string>();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var p in probes)
        {
            if (!p.IsRunning)
            {
                problems.Add($"{p.Name} is not running");
                continue;
            }
            bool led;
            try
            {
                led = p.IsLeader || await p.HasLeaderAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                problems.Add($"{p.Name}: leader unknown ({e.GetType().Name})");
                continue;
            }
            data[p.Name] = p.IsLeader ? "leader" : led ? "standby" : "no leader";
            if (!led)
            {
                problems.Add($"{p.Name} has no leader");
            }
        }
        if (problems.Count > 0)
        {
            return HealthCheckResult.Unhealthy(string.Join("; ", problems), data: data);
        }
        return HealthCheckResult.Healthy(probes.Count == 0 ? "no projection daemons on this node" : $"{probes.Count} running, each with a leader", data);
    }
}
