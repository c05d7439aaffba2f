using System.Diagnostics;
using CrdtCollab.EventStore;
using CrdtCollab.Host.Observability;
using CrdtCollab.Progress;
using CrdtCollab.Progress.Bridge;
using CrdtCollab.Progress.Projections;
using Marten;

namespace CrdtCollab.Host.Progress;

/// <summary>
/// Migrates the progress store in the background (the sync server starts without waiting; progress
/// requests wait on <see cref="ProgressReadiness"/>), then runs the milestone bridge on a
/// <see cref="ProjectionDaemon"/> (one leader across nodes; the others stand by). Stopping rolls
/// back an in-flight batch, which the next leader redoes.
/// </summary>
internal sealed class ProgressBridgeService(IDocumentStore store, PostgresEventStore log, MilestoneBridge bridge, ProgressReadiness readiness,
    ProjectionMonitor monitor, ILogger<ProjectionDaemon> daemonLogger, ILogger<ProgressBridgeService> logger) : BackgroundService
{
    /// <summary>200 ms: NOTIFY wakes the daemon at once; this only bounds the lag behind an unrelated long transaction.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// 2,000 updates: the bridge's cost is per drawing and per Marten round trip more than per
    /// change, so larger batches amortize it (benchmarks/Progress); a batch stays well under a second.
    /// </summary>
    public const int BatchSize = 2_000;

    private ProjectionDaemon? _daemon;

    /// <summary>The running daemon, once the store is ready.</summary>
    public ProjectionDaemon? Daemon => _daemon;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await ProgressStore.MigrateAsync(store, stoppingToken);
            await using (var session = store.QuerySession())
            {
                // The first query pays Marten's one-time set-up, so the first request does not.
                _ = await session.Query<ProjectSetup>().Take(1).ToListAsync(stoppingToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ProgressLog.StartFailed(logger, e);
            readiness.SetFailed(e);
            return;
        }
        ProgressLog.Started(logger, watch.ElapsedMilliseconds);
        readiness.SetReady();
        await using var daemon = new ProjectionDaemon(log, bridge, new ProjectionDaemonOptions { PollInterval = PollInterval, BatchSize = BatchSize }, daemonLogger);
        _daemon = daemon;
        // Lag, leadership and readiness (/metrics, /health/ready) watch the bridge like every daemon.
        using var watched = monitor.Register(daemon);
        daemon.Start();
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
        await daemon.StopAsync();
    }
}
