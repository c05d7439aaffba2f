using System.Collections.Concurrent;
using CrdtCollab.Crdt;
using CrdtCollab.EventStore;
using CrdtCollab.Host.Broadcast;
using CrdtCollab.Host.LiveDocuments;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace CrdtCollab.Host.ScaleOut;

/// <summary>
/// Cross-node fan-out over Redis pub/sub, one channel per document. Every node holding a live
/// document subscribes to its channel; what a node accepts from its clients (the emitted update)
/// and every awareness change is published there; the other nodes apply it to their copy and
/// broadcast it to their subscribers, without storing it. Pub/sub is at-most-once, so whatever a
/// node missed (Redis restart, partition, a gap in a peer's sequence) is read back from the event
/// log, where the accepting node stored it: on subscribe, on reconnect, on a gap, and every
/// <see cref="ScaleOutOptions.CatchUpInterval"/>. Applying an update twice is a no-op.
/// </summary>
internal sealed class RedisDocumentFanOut : IDocumentReplication, IDisposable
{
    private const int CatchUpPage = 1000;

    private readonly RedisConnection _redis;
    private readonly PostgresEventStore _store;
    private readonly ScaleOutOptions _options;
    private readonly string _schema;
    private readonly string _prefix;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<LiveDocument, DocumentReplica> _replicas = new(ReferenceEqualityComparer.Instance);
    private readonly CancellationTokenSource _stopping = new();
    private long _published;
    private long _received;
    private long _publishFailures;
    private long _gaps;
    private long _caughtUpEvents;

    public RedisDocumentFanOut(RedisConnection redis, PostgresEventStore store, IOptions<ScaleOutOptions> options, IOptions<SyncServerOptions> sync,
        ILogger<RedisDocumentFanOut> logger)
    {
        _redis = redis;
        _store = store;
        _options = options.Value;
        _schema = sync.Value.Schema;
        _prefix = ScaleOutSetup.PrefixOf(_options, sync.Value);
        _logger = logger;
        redis.Multiplexer.ConnectionFailed += (_, e) => ScaleOutLog.ConnectionFailed(_logger, e.ConnectionType, e.FailureType, e.Exception);
        redis.Multiplexer.ConnectionRestored += (_, e) =>
        {
            ScaleOutLog.ConnectionRestored(_logger, e.ConnectionType, _replicas.Count);
            // Now for what was committed while we were away, and once more after the settle
            // delay for what the peers had accepted but not yet committed.
            _ = CatchUpAllAsync(TimeSpan.Zero);
            _ = CatchUpAllAsync(_options.SettleDelay);
        };
        ScaleOutLog.Started(_logger, NodeId, _prefix);
    }

    /// <summary>This process's id on the channels: its own messages come back to it and are skipped.</summary>
    public Guid NodeId { get; } = Guid.NewGuid();

    /// <summary>Counters for tests and diagnostics.</summary>
    public (long Published, long Received, long PublishFailures, long Gaps, long CaughtUpEvents) Counters =>
        (Interlocked.Read(ref _published), Interlocked.Read(ref _received), Interlocked.Read(ref _publishFailures), Interlocked.Read(ref _gaps), Interlocked.Read(ref _caughtUpEvents));

    public IReadOnlyCollection<DocumentReplica> Replicas => [.. _replicas.Values];

    /// <summary>Documents subscribed now (for a gauge: no copy).</summary>
    public int ReplicaCount => _replicas.Count;

    public async Task AttachAsync(LiveDocument doc)
    {
        var replica = new DocumentReplica(doc, RedisChannel.Literal(_prefix + "doc:" + doc.Id), this);
        // Before the subscription: nothing this copy accepts may go unpublished.
        doc.Replica = replica;
        _replicas[doc] = replica;
        await SubscribeAsync(replica);
        // What the peers committed between our load and our subscription…
        await CatchUpAsync(replica);
        // …and what they had accepted but not yet committed when we subscribed.
        ScheduleCatchUp(replica, _options.SettleDelay);
    }

    public void Detach(LiveDocument doc)
    {
        if (_replicas.TryRemove(doc, out var replica))
        {
            replica.Detached = true;
            try
            {
                replica.Subscription?.Unsubscribe(CommandFlags.FireAndForget);
            }
            catch (Exception e) when (e is RedisException or ObjectDisposedException)
            {
                // Redis is away: the subscription dies with the connection anyway.
            }
        }
    }

    /// <summary>Called under the document's lock.</summary>
    public void Publish(DocumentReplica replica, FanOutMessage message)
    {
        try
        {
            _redis.Multiplexer.GetSubscriber().Publish(replica.Channel, message.Encode(), CommandFlags.FireAndForget);
            Interlocked.Increment(ref _published);
        }
        catch (Exception e) when (e is RedisException or ObjectDisposedException)
        {
            // Fail fast while Redis is away (no backlog in memory): the sequence number we used
            // shows the peers a gap, and they read the update from the log once it is stored.
            Interlocked.Increment(ref _publishFailures);
            using var scope = Scope(replica, null);
            ScaleOutLog.PublishFailed(_logger, replica.Channel, e);
        }
    }

    /// <summary>
    /// The periodic check: retries failed subscriptions, then reads the head version of every
    /// live stream in one query and catches up the documents whose log moved past their position.
    /// </summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var replicas = _replicas.Values.Where(r => !r.Detached).ToArray();
        if (replicas.Length == 0)
        {
            return;
        }
        foreach (var r in replicas.Where(r => r.Subscription is null))
        {
            await SubscribeAsync(r);
        }
        var heads = new Dictionary<Guid, long>();
        await using (var command = _store.DataSource.CreateCommand($"SELECT id, version FROM {_schema}.streams WHERE id = ANY($1)"))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. replicas.Select(r => r.Document.StreamId).Distinct()] });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                heads[reader.GetGuid(0)] = reader.GetInt64(1);
            }
        }
        foreach (var r in replicas)
        {
            if (heads.TryGetValue(r.Document.StreamId, out var head) && head > r.LogPosition)
            {
                await CatchUpAsync(r);
            }
        }
    }

    /// <summary>Reads the events after the replica's log position and applies them (one merged update per page).</summary>
    public async Task CatchUpAsync(DocumentReplica replica)
    {
        if (replica.Detached)
        {
            return;
        }
        await replica.CatchUpGate.WaitAsync(_stopping.Token);
        try
        {
            int events = 0, added = 0;
            while (true)
            {
                var page = await _store.ReadStreamAsync(replica.Document.StreamId, replica.LogPosition + 1, CatchUpPage, _stopping.Token);
                if (page.Count == 0)
                {
                    break;
                }
                var updates = page.Where(e => e.EventType == "update").Select(e => e.Payload).ToList();
                if (updates.Count > 0 && replica.Document.ApplyRemote(updates.Count == 1 ? updates[0] : YUpdate.MergeUpdates(updates), fromLog: true))
                {
                    added += updates.Count;
                }
                events += page.Count;
                replica.LogPosition = page[^1].StreamVersion;
                if (page.Count < CatchUpPage)
                {
                    break;
                }
            }
            if (events > 0)
            {
                Interlocked.Add(ref _caughtUpEvents, events);
                if (added > 0)
                {
                    using var scope = Scope(replica, null);
                    ScaleOutLog.CaughtUp(_logger, replica.Document.Id, events, replica.LogPosition, added);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            using var scope = Scope(replica, null);
            ScaleOutLog.CatchUpFailed(_logger, replica.Document.Id, e);
        }
        finally
        {
            replica.CatchUpGate.Release();
        }
    }

    public void Dispose()
    {
        // Not disposed: catch-ups still in flight read its token.
        _stopping.Cancel();
    }

    private async Task SubscribeAsync(DocumentReplica replica)
    {
        try
        {
            var queue = await _redis.Multiplexer.GetSubscriber().SubscribeAsync(replica.Channel).WaitAsync(_options.SubscribeTimeout);
            // One message at a time, in the channel's order.
            queue.OnMessage(m => OnMessage(replica, m));
            replica.Subscription = queue;
            if (replica.Detached)
            {
                queue.Unsubscribe(CommandFlags.FireAndForget);
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            using var scope = Scope(replica, null);
            ScaleOutLog.SubscribeFailed(_logger, replica.Channel, e);
        }
    }

    private void OnMessage(DocumentReplica replica, ChannelMessage m)
    {
        if (!FanOutMessage.TryDecode((byte[]?)m.Message, out var message))
        {
            using var scope = Scope(replica, null);
            ScaleOutLog.BadMessage(_logger, replica.Channel, null);
            return;
        }
        if (message.Node == NodeId)
        {
            return;
        }
        Interlocked.Increment(ref _received);
        bool gap = replica.RecordSequence(message.Replica, message.Sequence);
        try
        {
            if (message.Kind == OutgoingMessageKind.Update)
            {
                replica.Document.ApplyRemote(message.Payload.ToArray(), fromLog: false);
            }
            else
            {
                replica.Document.ApplyRemoteAwareness(message.Payload.ToArray());
            }
        }
        catch (Exception e)
        {
            // Malformed, or the replica refused it: the log still has it, so read it from there
            // (and never let an exception end this channel's message loop).
            using var scope = Scope(replica, message.Node.ToString("N"));
            ScaleOutLog.BadMessage(_logger, replica.Channel, e);
            gap = true;
        }
        if (gap)
        {
            // The lost ones are stored by their node within a flush or two.
            Interlocked.Increment(ref _gaps);
            ScheduleCatchUp(replica, _options.SettleDelay);
        }
    }

    /// <summary>
    /// The update path's log fields for a line about one replica: its document, and as correlation
    /// id the node the message came from (connection and user belong to that node's logs).
    /// </summary>
    private IDisposable? Scope(DocumentReplica replica, string? fromNode) =>
        _logger.BeginScope(new Observability.Logging.LogScope(null, null, replica.Document.Id, fromNode, "redis"));

    private void ScheduleCatchUp(DocumentReplica replica, TimeSpan delay)
    {
        if (!replica.TryScheduleCatchUp())
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(delay, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            replica.CatchUpStarted();
            await CatchUpAsync(replica);
        });
    }

    private async Task CatchUpAllAsync(TimeSpan delay)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _stopping.Token);
            }
            foreach (var r in _replicas.Values)
            {
                await CatchUpAsync(r);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
