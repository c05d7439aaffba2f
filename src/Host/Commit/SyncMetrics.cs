using System.Diagnostics;
using System.Diagnostics.Metrics;
using CrdtCollab.Host.Batching;

namespace CrdtCollab.Host.Commit;

/// <summary>The pipeline's meters (<c>CrdtCollab.Sync</c>): batch sizes, commit time and ack latency.</summary>
internal sealed class SyncMetrics : IDisposable
{
    public const string MeterName = "CrdtCollab.Sync";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _committed;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _commitMs;
    private readonly Histogram<double> _ackMs;

    public SyncMetrics()
    {
        _committed = _meter.CreateCounter<long>("crdtcollab.updates.committed", description: "Updates stored in the log");
        _batchSize = _meter.CreateHistogram<int>("crdtcollab.batch.size", description: "Updates per committed batch");
        _commitMs = _meter.CreateHistogram<double>("crdtcollab.batch.commit.duration", unit: "ms", description: "AppendBatch time per batch");
        _ackMs = _meter.CreateHistogram<double>("crdtcollab.update.ack.latency", unit: "ms", description: "Accepted to committed, per update");
    }

    public void BatchCommitted(PendingUpdate[] batch, TimeSpan commitTime)
    {
        _committed.Add(batch.Length);
        _batchSize.Record(batch.Length);
        _commitMs.Record(commitTime.TotalMilliseconds);
        long now = Stopwatch.GetTimestamp();
        foreach (var u in batch)
        {
            _ackMs.Record(Stopwatch.GetElapsedTime(u.AcceptedTimestamp, now).TotalMilliseconds);
        }
    }

    public void Dispose() => _meter.Dispose();
}
