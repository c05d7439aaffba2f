using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CrdtCollab.EventStore;
using CrdtCollab.Host.Commit;

namespace CrdtCollab.Host.Observability;

/// <summary>
/// The projection daemons this node runs, for <c>crdtcollab.projection.lag</c>,
/// <c>crdtcollab.projection.leader</c> and the readiness check. A daemon registers once it is
/// started (<see cref="Register(ProjectionDaemon)"/>, or <see cref="Register(IProjectionProbe)"/>
/// for one that is not ours). Lag is read from the database in the background every
/// <see cref="SampleInterval"/>, never inside a metrics collection (a scrape must not wait on PostgreSQL).
/// </summary>
internal sealed class ProjectionMonitor : BackgroundService
{
    /// <summary>5 s: finer than a 15 s scrape, coarse enough to cost nothing (two tiny queries per daemon).</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ProjectionMonitor(SyncMetrics metrics, TimeProvider time, ILogger<ProjectionMonitor> logger)
    {
        _time = time;
        _logger = logger;
        metrics.Meter.CreateObservableGauge("crdtcollab.projection.lag", ObserveLag, unit: "{event}",
            description: "Events between the log's head and the projection's committed checkpoint");
        metrics.Meter.CreateObservableGauge("crdtcollab.projection.leader", ObserveLeader,
            description: "1 when this node leads the projection, else 0");
    }

    /// <summary>The registered daemons.</summary>
    public IReadOnlyCollection<IProjectionProbe> Probes => _entries.Values.Select(e => e.Probe).ToArray();

    /// <summary>Watches one of our daemons; dispose the result when the daemon is retired.</summary>
    public IDisposable Register(ProjectionDaemon daemon) => Register(new ProjectionDaemonProbe(daemon));

    /// <summary>Watches any daemon; dispose the result when it is retired.</summary>
    public IDisposable Register(IProjectionProbe probe)
    {
        var entry = new Entry(probe);
        if (!_entries.TryAdd(probe.Name, entry))
        {
            throw new InvalidOperationException($"A projection named {probe.Name} is already registered.");
        }
        return new Registration(() => _entries.TryRemove(new KeyValuePair<string, Entry>(probe.Name, entry)));
    }

    /// <summary>Reads every registered daemon's lag now (the background loop calls it; tests may too).</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in _entries.Values)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(QueryTimeout);
            try
            {
                entry.Lag = await entry.Probe.GetLagAsync(timeout.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // PostgreSQL away: keep the last value (storage has its own gauge and health check).
                ObservabilityLog.ProjectionLagFailed(_logger, entry.Probe.Name, e);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SampleInterval, _time);
        try
        {
            do
            {
                await SampleAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private IEnumerable<Measurement<long>> ObserveLag()
    {
        foreach (var e in _entries.Values)
        {
            if (e.Lag >= 0)
            {
                yield return new Measurement<long>(e.Lag, new KeyValuePair<string, object?>("projection", e.Probe.Name));
            }
        }
    }

    private IEnumerable<Measurement<int>> ObserveLeader() =>
        _entries.Values.Select(e => new Measurement<int>(e.Probe.IsLeader ? 1 : 0, new KeyValuePair<string, object?>("projection", e.Probe.Name)));

    private sealed class Entry(IProjectionProbe probe)
    {
        private long _lag = -1;

        public IProjectionProbe Probe { get; } = probe;

        /// <summary>-1 until the first successful read.</summary>
        public long Lag
        {
            get => Interlocked.Read(ref _lag);
            set => Interlocked.Exchange(ref _lag, value);
        }
    }

    private sealed class Registration(Action remove) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                remove();
            }
        }
    }
}
