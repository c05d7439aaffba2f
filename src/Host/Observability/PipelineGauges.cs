using System.Diagnostics.Metrics;
using CrdtCollab.Host.Commit;
using CrdtCollab.Host.LiveDocuments;

namespace CrdtCollab.Host.Observability;

/// <summary>
/// Gauges read at collection time from the components that already hold the numbers: live
/// documents, the intake backlog (accepted, waiting in Wolverine's batching queue or in a commit)
/// and whether the last commit reached PostgreSQL. Nothing is counted on the hot path for them.
/// </summary>
internal sealed class PipelineGauges
{
    public PipelineGauges(SyncMetrics metrics, LiveDocumentRegistry registry, CommitBacklog backlog, StorageHealth storage)
    {
        var meter = metrics.Meter;
        meter.CreateObservableGauge("crdtcollab.documents.live", () => registry.Count, unit: "{document}", description: "Documents held in memory");
        meter.CreateObservableGauge("crdtcollab.intake.queue.depth", () => backlog.Pending, unit: "{update}",
            description: "Accepted updates not yet committed (Wolverine's batching queue plus commits in flight)");
        meter.CreateObservableGauge("crdtcollab.storage.available", () => storage.Available ? 1 : 0,
            description: "1 when the last commit reached PostgreSQL, 0 while commits are failing");
    }
}
