namespace CrdtCollab.Host.Observability;

/// <summary>
/// What the metrics and the readiness check need to know about one projection daemon. Our
/// <see cref="EventStore.ProjectionDaemon"/> is adapted by <see cref="ProjectionDaemonProbe"/>;
/// any other daemon (a Marten bridge, say) implements this and calls <see cref="ProjectionMonitor.Register"/>.
/// </summary>
internal interface IProjectionProbe
{
    /// <summary>The projection's name (the <c>projection</c> tag).</summary>
    string Name { get; }

    /// <summary>Whether this node's daemon loop is running (not stopped or crashed).</summary>
    bool IsRunning { get; }

    /// <summary>Whether this node leads the projection.</summary>
    bool IsLeader { get; }

    /// <summary>Events between the log's head and the committed checkpoint, read from the database.</summary>
    Task<long> GetLagAsync(CancellationToken cancellationToken);

    /// <summary>Whether some node (this one or another) holds the projection's leadership now.</summary>
    Task<bool> HasLeaderAsync(CancellationToken cancellationToken);
}
