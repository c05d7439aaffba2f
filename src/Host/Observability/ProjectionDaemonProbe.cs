using CrdtCollab.EventStore;

namespace CrdtCollab.Host.Observability;

/// <summary>Our event store's <see cref="ProjectionDaemon"/> as an <see cref="IProjectionProbe"/>.</summary>
internal sealed class ProjectionDaemonProbe(ProjectionDaemon daemon) : IProjectionProbe
{
    public string Name => daemon.Name;

    public bool IsRunning => daemon.IsRunning;

    public bool IsLeader => daemon.IsLeader;

    public Task<long> GetLagAsync(CancellationToken cancellationToken) => daemon.GetLagAsync(cancellationToken);

    public Task<bool> HasLeaderAsync(CancellationToken cancellationToken) => daemon.HasLeaderAsync(cancellationToken);
}
