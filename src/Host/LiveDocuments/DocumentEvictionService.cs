using CrdtCollab.Host.Commit;
using Microsoft.Extensions.Options;

namespace CrdtCollab.Host.LiveDocuments;

/// <summary>
/// Every second: expires stale awareness states, and evicts documents that have had no
/// connection for <see cref="SyncServerOptions.IdleTimeout"/> and hold nothing uncommitted,
/// writing their snapshot on the way out.
/// </summary>
internal sealed class DocumentEvictionService(LiveDocumentRegistry registry, SnapshotWriter snapshots, IOptions<SyncServerOptions> options,
    TimeProvider time, ILogger<DocumentEvictionService> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            Sweep();
        }
    }

    /// <summary>One pass; also called by tests.</summary>
    public void Sweep()
    {
        foreach (var doc in registry.Loaded.ToArray())
        {
            doc.ExpireAwareness();
            if (doc.SubscriberCount == 0 && time.GetElapsedTime(doc.IdleSince) >= options.Value.IdleTimeout && doc.TryEvict())
            {
                registry.Remove(doc);
                if (doc.EventsSinceSnapshot > 0)
                {
                    _ = snapshots.WriteAsync(doc.Id, doc.StreamId);
                }
                HostLog.DocumentEvicted(logger, doc.Id);
            }
        }
    }
}
