using CrdtCollab.Crdt;
using CrdtCollab.EventStore;
using CrdtCollab.Progress.Domain;
using CrdtCollab.Progress.Documents;
using CrdtCollab.Progress.Projections;
using Marten;
using Marten.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CrdtCollab.Progress.Bridge;

/// <summary>
/// Turns committed updates of drawing documents into <see cref="MilestoneProgressChanged"/> events,
/// exactly once. Run by a <see cref="ProjectionDaemon"/> over the update log.
/// </summary>
/// <remarks>
/// <para><b>Exactly once.</b> The Marten session is opened on the daemon's own transaction
/// (<see cref="SessionOptions.ForTransaction"/>, not owning it): the domain events, the read models
/// the inline projection writes, and the daemon's checkpoint commit together or not at all. A batch
/// that fails (projection error, killed backend, lost leadership) leaves no event behind and is
/// redone from the committed checkpoint.</para>
/// <para><b>Deterministic redo.</b> The diff baseline is the domain's state (the drawing's read
/// model, read in the same transaction), not the cache, so a redone batch emits the same events a
/// first run would. The cached replicas are dropped whenever a batch starts at or before a position
/// already seen, because a replica that has applied updates of a rolled-back batch would attribute
/// their changes to the wrong update.</para>
/// <para><b>Drawing streams.</b> The log keeps only a name-based UUID of each document id. The
/// projection of <see cref="DrawingsImported"/> records stream id → drawing in
/// <see cref="DrawingStreamEntry"/>; the bridge looks up the streams of each batch there (one query)
/// and skips every other document.</para>
/// </remarks>
public sealed class MilestoneBridge : IAsyncProjection
{
    private readonly IDocumentStore _store;
    private readonly PostgresEventStore _log;
    private readonly MilestoneBridgeOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<Guid, DrawingStreamEntry> _streams = [];
    private readonly Dictionary<Guid, DrawingReplica> _replicas = [];
    private readonly BridgeCounters _counters = new();
    private readonly Lock _countersLock = new();
    private long _lastSeen;
    private long _tick;

    /// <summary>Creates the bridge.</summary>
    /// <param name="store">The progress Marten store (<see cref="ProgressStore.Create"/>).</param>
    /// <param name="log">The CRDT update log, to rebuild a drawing's replica.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="logger">Logger; none when null.</param>
    public MilestoneBridge(IDocumentStore store, PostgresEventStore log, MilestoneBridgeOptions? options = null, ILogger<MilestoneBridge>? logger = null)
    {
        _store = store;
        _log = log;
        _options = options ?? new MilestoneBridgeOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <summary>Counters since start.</summary>
    public BridgeCounters Counters
    {
        get
        {
            lock (_countersLock)
            {
                return _counters.Snapshot();
            }
        }
    }

    /// <inheritdoc />
    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }
        if (events[0].GlobalPosition <= _lastSeen)
        {
            BridgeLog.Redelivered(_logger, events[0].GlobalPosition, _lastSeen);
            _replicas.Clear();
        }
        _lastSeen = events[^1].GlobalPosition;

        await using var session = _store.LightweightSession(SessionOptions.ForTransaction(transaction));
        var updates = await DrawingUpdatesAsync(session, events, cancellationToken);
        if (updates.Count == 0)
        {
            return;
        }
        var drawingIds = updates.Select(u => u.Entry.DocumentId).Distinct(StringComparer.Ordinal).ToList();
        var drawings = (await session.LoadManyAsync<DrawingProgress>(cancellationToken, drawingIds)).ToDictionary(d => d.Id, StringComparer.Ordinal);
        var projectIds = drawings.Values.Select(d => d.ProjectId).Distinct(StringComparer.Ordinal).ToList();
        var projects = (await session.LoadManyAsync<ProjectSetup>(cancellationToken, projectIds)).ToDictionary(p => p.Id, StringComparer.Ordinal);

        var counters = new BridgeCounters();
        var changes = new List<(string Component, string Milestone, double From, double To)>();
        var appended = 0;
        foreach (var (update, entry) in updates)
        {
            if (!drawings.TryGetValue(entry.DocumentId, out var drawing) || !projects.TryGetValue(drawing.ProjectId, out var project))
            {
                continue;
            }
            var replica = await ReplicaAsync(update, counters, cancellationToken);
            var before = replica.Raw;
            try
            {
                replica.Doc.ApplyUpdate(update.Payload);
            }
            catch (UpdateFormatException e)
            {
                // The sync server validates every update before it commits, so this is a log written
                // by something else; a rejected update changes nothing in the replica.
                BridgeLog.Malformed(_logger, entry.DocumentId, update.GlobalPosition, e);
                counters.Malformed++;
                replica.Version = update.StreamVersion;
                continue;
            }
            replica.Version = update.StreamVersion;
            replica.Raw = DrawingDocument.ReadRaw(replica.Doc);
            counters.Updates++;
            changes.Clear();
            MilestoneDiff.Compute(drawing, project.Templates, before, replica.Raw, changes, counters);
            if (changes.Count == 0)
            {
                continue;
            }
            var domainEvents = new object[changes.Count];
            for (var i = 0; i < changes.Count; i++)
            {
                var (component, milestone, from, to) = changes[i];
                domainEvents[i] = new MilestoneProgressChanged(
                    drawing.ProjectId, drawing.DrawingId, component, milestone, from, to, update.UserId, update.Timestamp, update.GlobalPosition);
            }
            session.Events.Append(ProgressIds.ChangesStream(drawing.ProjectId), domainEvents);
            appended += domainEvents.Length;
        }
        counters.Changes = appended;
        if (appended > 0)
        {
            // Runs the inline projection and writes events and read models on the daemon's
            // transaction; the daemon commits them with its checkpoint.
            await session.SaveChangesAsync(cancellationToken);
        }
        Evict();
        lock (_countersLock)
        {
            _counters.Updates += counters.Updates;
            _counters.Changes += counters.Changes;
            _counters.Rejected += counters.Rejected;
            _counters.Ignored += counters.Ignored;
            _counters.Malformed += counters.Malformed;
            _counters.ColdLoads += counters.ColdLoads;
        }
        BridgeLog.Batch(_logger, events[^1].GlobalPosition, updates.Count, appended);
    }

    /// <inheritdoc />
    public Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // A bridge rebuild would append every change a second time: the domain events are the
        // record. Rebuild the read models from them instead (ProgressRebuilder).
        throw new NotSupportedException("The milestone bridge appends domain events and cannot be replayed; rebuild the read models with ProgressRebuilder.");
    }

    private async Task<List<(StoredEvent Update, DrawingStreamEntry Entry)>> DrawingUpdatesAsync(IQuerySession session, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        var unknown = events.Where(e => e.EventType == "update" && !_streams.ContainsKey(e.StreamId)).Select(e => e.StreamId).Distinct().ToList();
        if (unknown.Count > 0)
        {
            // Not cached as negatives: a document can become a drawing when the drawing is imported.
            foreach (var entry in await session.LoadManyAsync<DrawingStreamEntry>(cancellationToken, unknown))
            {
                _streams[entry.Id] = entry;
            }
        }
        var result = new List<(StoredEvent, DrawingStreamEntry)>();
        foreach (var e in events)
        {
            if (e.EventType == "update" && _streams.TryGetValue(e.StreamId, out var entry))
            {
                result.Add((e, entry));
            }
        }
        return result;
    }

    private async Task<DrawingReplica> ReplicaAsync(StoredEvent update, BridgeCounters counters, CancellationToken cancellationToken)
    {
        if (!_replicas.TryGetValue(update.StreamId, out var replica) || replica.Version != update.StreamVersion - 1)
        {
            // Rebuild from the log up to the version before this update; those events are settled
            // (committed below the horizon), so reading them on another connection is consistent.
            var state = await _log.LoadDocumentAsync(update.StreamId, update.StreamVersion - 1, cancellationToken);
            var doc = new YDoc();
            if (state.Snapshot is not null)
            {
                doc.ApplyUpdate(state.Snapshot.Payload);
            }
            foreach (var e in state.Tail)
            {
                if (e.EventType == "update")
                {
                    try
                    {
                        doc.ApplyUpdate(e.Payload);
                    }
                    catch (UpdateFormatException)
                    {
                        counters.Malformed++;
                    }
                }
            }
            replica = new DrawingReplica(doc, update.StreamVersion - 1, DrawingDocument.ReadRaw(doc));
            _replicas[update.StreamId] = replica;
            counters.ColdLoads++;
        }
        replica.LastUsed = ++_tick;
        return replica;
    }

    private void Evict()
    {
        if (_replicas.Count <= _options.MaxCachedDrawings)
        {
            return;
        }
        // Drop the least recently used tenth at once so eviction is rare.
        var drop = _replicas.Count - _options.MaxCachedDrawings + Math.Max(1, _options.MaxCachedDrawings / 10);
        foreach (var key in _replicas.OrderBy(r => r.Value.LastUsed).Take(drop).Select(r => r.Key).ToList())
        {
            _replicas.Remove(key);
        }
    }
}
