using System.Diagnostics;
using System.Diagnostics.Metrics;
using CrdtCollab.Host.Batching;

namespace CrdtCollab.Host.Commit;

/// <summary>
/// The pipeline's meter (<c>CrdtCollab.Sync</c>), stage by stage: connections, updates in, rejected
/// messages, batches, append and ack latency, fan-out. Instrument names are a contract with the
/// alert rules and the dashboard (docs/observability.md lists them as Prometheus sees them): add,
/// never rename. Gauges read from other components live in <c>Observability/PipelineGauges</c>.
/// </summary>
internal sealed class SyncMetrics
{
    public const string MeterName = "CrdtCollab.Sync";

    /// <summary>Transport tag values.</summary>
    public const string YWebSocket = "y-websocket";
    public const string Hocuspocus = "hocuspocus";
    public const string SignalR = "signalr";

    /// <summary>Reason tag for a frame a transport could not parse (before it reached the intake).</summary>
    public const string InvalidFrame = "invalid-frame";

    // Latencies here are milliseconds to tens of ms on a healthy node; OpenTelemetry's default
    // buckets (0, 5, 10, 25, …) would put a whole healthy p99 into one bucket.
    private static readonly double[] LatencyBucketsMs = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000];
    private static readonly int[] BatchSizeBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

    private readonly Meter _meter;
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _connectionsOpened;
    private readonly Counter<long> _connectionsClosed;
    private readonly Counter<long> _received;
    private readonly Counter<long> _committed;
    private readonly Counter<long> _broadcast;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _commitFailures;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _commitMs;
    private readonly Histogram<double> _ackMs;
    private readonly Histogram<double> _fanOutMs;

    public SyncMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _connections = _meter.CreateUpDownCounter<long>("crdtcollab.connections.active", unit: "{connection}", description: "Open client connections, by transport");
        _connectionsOpened = _meter.CreateCounter<long>("crdtcollab.connections.opened", unit: "{connection}", description: "Client connections accepted, by transport");
        _connectionsClosed = _meter.CreateCounter<long>("crdtcollab.connections.closed", unit: "{connection}", description: "Client connections ended (either side), by transport");
        _received = _meter.CreateCounter<long>("crdtcollab.updates.received", unit: "{update}", description: "Document updates handed to the intake, by transport");
        _committed = _meter.CreateCounter<long>("crdtcollab.updates.committed", unit: "{update}", description: "Updates stored in the log");
        _broadcast = _meter.CreateCounter<long>("crdtcollab.updates.broadcast", unit: "{message}", description: "Update messages written to subscribers' connections, by transport");
        _rejected = _meter.CreateCounter<long>("crdtcollab.messages.rejected", unit: "{message}", description: "Messages refused, by reason (the wire code)");
        _commitFailures = _meter.CreateCounter<long>("crdtcollab.commit.failures", unit: "{attempt}", description: "AppendBatch attempts that failed and will be retried");
        _batchSize = _meter.CreateHistogram("crdtcollab.batch.size", unit: "{update}", description: "Updates per committed batch",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchSizeBuckets });
        _commitMs = _meter.CreateHistogram("crdtcollab.batch.commit.duration", unit: "ms", description: "AppendBatch time per batch (append latency)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBucketsMs });
        _ackMs = _meter.CreateHistogram("crdtcollab.update.ack.latency", unit: "ms", description: "Accepted to committed, per update",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBucketsMs });
        _fanOutMs = _meter.CreateHistogram("crdtcollab.update.fanout.latency", unit: "ms", description: "Broadcast by the document to written on a subscriber's connection, per message",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBucketsMs });
    }

    /// <summary>The meter, for the gauges other components report (same name, same scope).</summary>
    public Meter Meter => _meter;

    public void ConnectionOpened(string transport)
    {
        var tag = new KeyValuePair<string, object?>("transport", transport);
        _connectionsOpened.Add(1, tag);
        _connections.Add(1, tag);
    }

    public void ConnectionClosed(string transport)
    {
        var tag = new KeyValuePair<string, object?>("transport", transport);
        _connectionsClosed.Add(1, tag);
        _connections.Add(-1, tag);
    }

    public void UpdateReceived(string transport) => _received.Add(1, new KeyValuePair<string, object?>("transport", transport));

    public void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void CommitFailed() => _commitFailures.Add(1);

    /// <summary>An update message reached a subscriber's connection; <paramref name="broadcastTimestamp"/> is when its document broadcast it.</summary>
    public void Delivered(string transport, long broadcastTimestamp)
    {
        var tag = new KeyValuePair<string, object?>("transport", transport);
        _broadcast.Add(1, tag);
        if (_fanOutMs.Enabled)
        {
            _fanOutMs.Record(Stopwatch.GetElapsedTime(broadcastTimestamp).TotalMilliseconds, tag);
        }
    }

    public void BatchCommitted(PendingUpdate[] batch, TimeSpan commitTime)
    {
        _committed.Add(batch.Length);
        _batchSize.Record(batch.Length);
        _commitMs.Record(commitTime.TotalMilliseconds);
        if (!_ackMs.Enabled)
        {
            return;
        }
        long now = Stopwatch.GetTimestamp();
        foreach (var u in batch)
        {
            _ackMs.Record(Stopwatch.GetElapsedTime(u.AcceptedTimestamp, now).TotalMilliseconds);
        }
    }
}
