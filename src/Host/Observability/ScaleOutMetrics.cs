using CrdtCollab.Host.Commit;
using CrdtCollab.Host.ScaleOut;

namespace CrdtCollab.Host.Observability;

/// <summary>
/// The Redis fan-out's own counters as instruments, read at collection time (the fan-out keeps
/// them with Interlocked already): messages published and received, failed publishes, sequence
/// gaps and events caught up from the log. Created only when scale-out is configured.
/// </summary>
internal sealed class ScaleOutMetrics
{
    public ScaleOutMetrics(SyncMetrics metrics, RedisDocumentFanOut fanOut)
    {
        var meter = metrics.Meter;
        meter.CreateObservableCounter("crdtcollab.scaleout.messages", () =>
        {
            var c = fanOut.Counters;
            return new[]
            {
                new System.Diagnostics.Metrics.Measurement<long>(c.Published, new KeyValuePair<string, object?>("direction", "published")),
                new System.Diagnostics.Metrics.Measurement<long>(c.Received, new KeyValuePair<string, object?>("direction", "received")),
            };
        }, unit: "{message}", description: "Fan-out messages this node published to / received from Redis");
        meter.CreateObservableCounter("crdtcollab.scaleout.publish.failures", () => fanOut.Counters.PublishFailures, unit: "{message}",
            description: "Publishes that failed (Redis away); the peers catch up from the log");
        meter.CreateObservableCounter("crdtcollab.scaleout.gaps", () => fanOut.Counters.Gaps, unit: "{gap}",
            description: "Sequence gaps seen on a document channel (each triggers a catch-up from the log)");
        meter.CreateObservableCounter("crdtcollab.scaleout.catchup.events", () => fanOut.Counters.CaughtUpEvents, unit: "{event}",
            description: "Events read back from the log by catch-ups");
        meter.CreateObservableGauge("crdtcollab.scaleout.documents", () => fanOut.ReplicaCount, unit: "{document}",
            description: "Documents subscribed on Redis by this node");
    }
}
