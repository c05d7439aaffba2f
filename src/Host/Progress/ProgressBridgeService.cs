using System.Diagnostics;
using CrdtCollab.EventStore;
using CrdtCollab.Progress;
using CrdtCollab.Progress.Bridge;
using Marten;

namespace CrdtCollab.Host.Progress;

/// <summary>
/// Migrates the progress store, then runs the milestone bridge on a <see cref="ProjectionDaemon"/>
/// (one leader across nodes; the others stand by). Stopping rolls back an in-flight batch, which
/// the next leader redoes.
/// </summary>
internal sealed class ProgressBridgeService(IDocumentStore store, PostgresEventStore log, MilestoneBridge bridge, ILogger<ProjectionDaemon> daemonLogger,
    ILogger<ProgressBridgeService> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>200 ms: NOTIFY wakes the daemon at once; this only bounds the lag behind an unrelated long transaction.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private ProjectionDaemon? _daemon;

    public ProjectionDaemon? Daemon => _daemon;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await ProgressStore.MigrateAsync(store, cancellationToken);
        await using (var session = store.QuerySession())
        {
            // The first query pays Marten's one-time set-up, so the first request does not.
            _ = await session.Query<CrdtCollab.Progress.Projections.ProjectSetup>().Take(1).ToListAsync(cancellationToken);
        }
        ProgressLog.Started(logger, watch.ElapsedMilliseconds);
        _daemon = new ProjectionDaemon(log, bridge, new ProjectionDaemonOptions { PollInterval = PollInterval }, daemonLogger);
        _daemon.Start();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_daemon is not null)
        {
            await _daemon.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }
    }
}
