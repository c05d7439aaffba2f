using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Protocols;
using CrdtCollab.Host.Broadcast;

namespace CrdtCollab.Host.LiveDocuments;

/// <summary>
/// A document held in memory while it has connections: the CRDT replica every transport reads
/// and writes, its awareness, its subscribers, and the bookkeeping that turns commits into acks.
/// <see cref="YDoc"/> is not thread-safe, so everything here runs under one lock; the work under
/// it is CPU only (apply, encode, queue), never I/O.
/// </summary>
internal sealed partial class LiveDocument
{
    private readonly object _gate = new();
    private readonly YDoc _doc;
    private readonly Queue<(long Sequence, TaskCompletionSource<long> Saved)> _waiters = new();
    private readonly SortedSet<long> _committedAhead = [];
    private IDocumentSubscriber[] _subscribers = [];
    private byte[]? _captured;
    private long _appliedSequence;
    private long _committedSequence;
    private long _version;
    private readonly TimeProvider _time;
    private bool _holdsUnconfirmedRemote;

    public LiveDocument(string id, YDoc doc, long version, long loadedBytes, TimeProvider time)
    {
        Id = id;
        StreamId = DocumentStreamId.For(id);
        _doc = doc;
        _time = time;
        _version = version;
        ApproximateBytes = loadedBytes;
        // Only the emitted update of a received one is what it added; we capture it to store it.
        _doc.UpdateV1 += (_, e) => _captured = e.Update;
        Awareness = new Awareness(0, time);
        // The server is no participant: like y-websocket's server it holds no state of its own.
        Awareness.SetLocalState(null);
        IdleSince = time.GetTimestamp();
    }

    public string Id { get; }

    public Guid StreamId { get; }

    public Awareness Awareness { get; }

    /// <summary>Bytes loaded plus bytes accepted since: the measure the size limit applies to.</summary>
    public long ApproximateBytes { get; private set; }

    /// <summary>Committed events since the last snapshot was requested.</summary>
    public int EventsSinceSnapshot { get; set; }

    /// <summary>Set once the registry has dropped the document; a late joiner must load it again.</summary>
    public bool Evicted { get; private set; }

    /// <summary>When the last subscriber left (a <see cref="TimeProvider"/> timestamp).</summary>
    public long IdleSince { get; private set; }

    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    /// <summary>The subscribers now (a snapshot).</summary>
    public IReadOnlyList<IDocumentSubscriber> Subscribers => Volatile.Read(ref _subscribers);

    /// <summary>True when every accepted update is committed.</summary>
    public bool FullyCommitted
    {
        get
        {
            lock (_gate)
            {
                return _committedSequence == _appliedSequence;
            }
        }
    }

    public long Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    /// <summary>
    /// Adds a subscriber; false when the document was evicted meanwhile (load it again).
    /// </summary>
    public bool TryAttach(IDocumentSubscriber subscriber, int maxSubscribers)
    {
        lock (_gate)
        {
            if (Evicted)
            {
                return false;
            }
            if (_subscribers.Length >= maxSubscribers)
            {
                throw new Intake.IntakeRejectedException(Intake.RejectionReason.TooManyConnections, $"document {Id} has {maxSubscribers} open sessions");
            }
            _subscribers = [.. _subscribers, subscriber];
            return true;
        }
    }

    /// <summary>Removes a subscriber and broadcasts the removal of the awareness states it set.</summary>
    public void Detach(IDocumentSubscriber subscriber)
    {
        lock (_gate)
        {
            int i = Array.IndexOf(_subscribers, subscriber);
            if (i < 0)
            {
                return;
            }
            _subscribers = [.. _subscribers.Where(s => s != subscriber)];
            if (subscriber.AwarenessClients.Count > 0)
            {
                var gone = subscriber.AwarenessClients.ToArray();
                subscriber.AwarenessClients.Clear();
                Awareness.RemoveStates(gone, subscriber);
                BroadcastLocked(new OutgoingMessage(Id, OutgoingMessageKind.Awareness, Awareness.EncodeUpdate(gone), subscriber));
            }
            if (_subscribers.Length == 0)
            {
                IdleSince = _time.GetTimestamp();
            }
        }
    }

    /// <summary>Evicts the document if it is idle and fully committed; false otherwise.</summary>
    public bool TryEvict()
    {
        lock (_gate)
        {
            if (_subscribers.Length > 0 || _committedSequence != _appliedSequence)
            {
                return false;
            }
            Evicted = true;
            return true;
        }
    }

    /// <summary>
    /// Applies a received update. It is decoded and validated in full first; a malformed one
    /// throws <see cref="UpdateFormatException"/> and changes nothing. What it added is broadcast
    /// to every other subscriber at once, before it is stored (see docs/architecture.md: every
    /// client that holds an update re-supplies it on resync, so an early broadcast loses nothing).
    /// </summary>
    public ApplyOutcome Apply(byte[] update, IDocumentSubscriber? origin, long maxDocumentBytes)
    {
        lock (_gate)
        {
            if (ApproximateBytes + update.Length > maxDocumentBytes)
            {
                throw new Intake.IntakeRejectedException(Intake.RejectionReason.DocumentTooLarge,
                    $"document {Id} would exceed {maxDocumentBytes} bytes");
            }
            _captured = null;
            long pendingBefore = _doc.PendingSize;
            _doc.ApplyUpdate(update, origin);
            var emitted = _captured;
            _captured = null;
            // Structs still waiting for their dependencies emit nothing yet, but must be kept:
            // the client may be gone by the time the missing piece arrives. So when the update
            // added pending data it is stored whole; a repeat of what is pending is not.
            var toStore = _doc.PendingSize != pendingBefore ? update : emitted;
            if (_holdsUnconfirmedRemote && !IsEmptyUpdate(update))
            {
                // Part of it may repeat what another node published and may die before
                // committing: only the log, not this memory, may vouch for that part. So the
                // update is stored as received (a duplicate in the log changes nothing) rather
                // than acknowledging content nobody stored.
                toStore = update;
            }
            long waitFor = _appliedSequence;
            if (toStore is not null)
            {
                waitFor = ++_appliedSequence;
                ApproximateBytes += toStore.Length;
            }
            if (emitted is not null)
            {
                BroadcastLocked(new OutgoingMessage(Id, OutgoingMessageKind.Update, emitted, origin));
            }
            return new ApplyOutcome(waitFor, toStore, WaitLocked(waitFor));
        }
    }

    /// <summary>Completes once everything accepted so far is committed (for shutdown and tests).</summary>
    public Task<long> WhenAllCommitted()
    {
        lock (_gate)
        {
            return WaitLocked(_appliedSequence);
        }
    }

    /// <summary>Records that the updates with these sequence numbers are committed at <paramref name="version"/>.</summary>
    public void MarkCommitted(IReadOnlyList<long> sequences, long version)
    {
        lock (_gate)
        {
            foreach (long s in sequences)
            {
                _committedAhead.Add(s);
            }
            // Acks go out in order: an update is saved only when everything accepted before it is.
            while (_committedAhead.Remove(_committedSequence + 1))
            {
                _committedSequence++;
            }
            _version = Math.Max(_version, version);
            while (_waiters.TryPeek(out var w) && w.Sequence <= _committedSequence)
            {
                _waiters.Dequeue().Saved.TrySetResult(_version);
            }
        }
    }

    /// <summary>Fails every ack still waiting (the server is stopping and could not save them).</summary>
    public void FailPendingAcks(Exception reason)
    {
        lock (_gate)
        {
            while (_waiters.TryDequeue(out var w))
            {
                w.Saved.TrySetException(reason);
            }
        }
    }

    /// <summary>
    /// Drops a document whose memory now differs from the log (a batch could not be stored): its
    /// acks fail, it is evicted, and its subscribers are disconnected so they reload and resync.
    /// </summary>
    public void Poison(Exception reason)
    {
        IDocumentSubscriber[] subscribers;
        lock (_gate)
        {
            Evicted = true;
            subscribers = _subscribers;
        }
        FailPendingAcks(reason);
        foreach (var s in subscribers)
        {
            s.Disconnect("document reloading");
        }
    }

    /// <summary>The SyncStep2 answer: everything this document has that <paramref name="stateVector"/> lacks.</summary>
    public byte[] EncodeStateAsUpdate(ReadOnlySpan<byte> stateVector)
    {
        lock (_gate)
        {
            return _doc.EncodeStateAsUpdate(stateVector);
        }
    }

    /// <summary>The text of a root <c>Y.Text</c> (the demo editor's is <c>codemirror</c>).</summary>
    public string ReadText(string name)
    {
        lock (_gate)
        {
            return _doc.GetText(name).ToString();
        }
    }

    public byte[] EncodeStateVector()
    {
        lock (_gate)
        {
            return _doc.EncodeStateVector();
        }
    }

    /// <summary>
    /// Applies an awareness update from a subscriber and broadcasts what it changed. Malformed
    /// input throws <see cref="UpdateFormatException"/> and changes nothing.
    /// </summary>
    public void ApplyAwareness(byte[] update, IDocumentSubscriber origin)
    {
        lock (_gate)
        {
            var changed = AwarenessChangesLocked(() => Awareness.ApplyUpdate(update, origin), e =>
            {
                origin.AwarenessClients.UnionWith(e.Added);
                origin.AwarenessClients.UnionWith(e.Updated);
                origin.AwarenessClients.ExceptWith(e.Removed);
            });
            if (changed.Count > 0)
            {
                BroadcastLocked(new OutgoingMessage(Id, OutgoingMessageKind.Awareness, Awareness.EncodeUpdate(changed), origin));
            }
        }
    }

    /// <summary>Every awareness state the server knows, or null when there is none.</summary>
    public byte[]? EncodeAwarenessStates()
    {
        lock (_gate)
        {
            var clients = Awareness.GetStates().Keys.ToArray();
            return clients.Length == 0 ? null : Awareness.EncodeUpdate(clients);
        }
    }

    /// <summary>Drops awareness states not renewed within the timeout (a client that crashed).</summary>
    public void ExpireAwareness()
    {
        lock (_gate)
        {
            // The server holds no state of its own, so a timeout only ever removes.
            var removed = AwarenessChangesLocked(Awareness.CheckTimeouts);
            if (removed.Count > 0)
            {
                foreach (var s in _subscribers)
                {
                    s.AwarenessClients.ExceptWith(removed);
                }
                BroadcastLocked(new OutgoingMessage(Id, OutgoingMessageKind.Awareness, Awareness.EncodeUpdate(removed), null));
            }
        }
    }

    /// <summary>
    /// True once this copy holds content another node published over Redis (not read from the
    /// log): a "nothing new" update may then repeat something no one has stored yet.
    /// </summary>
    internal bool HoldsUnconfirmedRemote
    {
        get
        {
            lock (_gate)
            {
                return _holdsUnconfirmedRemote;
            }
        }
    }

    // The smallest V1 update (no structs, no deletions): y-websocket's SyncStep2 when nothing is missing.
    private static bool IsEmptyUpdate(byte[] update) => update.Length <= 2 && update.All(b => b == 0);

    /// <summary>Runs an awareness operation and returns every client it reported as added, updated or removed.</summary>
    private List<long> AwarenessChangesLocked(Action operation, Action<AwarenessChangeEventArgs>? observe = null)
    {
        var changed = new List<long>();
        void OnUpdated(object? sender, AwarenessChangeEventArgs e)
        {
            observe?.Invoke(e);
            changed.AddRange(e.Added);
            changed.AddRange(e.Updated);
            changed.AddRange(e.Removed);
        }
        Awareness.Updated += OnUpdated;
        try
        {
            operation();
        }
        finally
        {
            Awareness.Updated -= OnUpdated;
        }
        return changed;
    }

    private Task<long> WaitLocked(long sequence)
    {
        if (sequence <= _committedSequence)
        {
            return Task.FromResult(_version);
        }
        var saved = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Enqueue((sequence, saved));
        return saved.Task;
    }

    // Under the lock, so every subscriber sees this document's messages in one order.
    private void BroadcastLocked(OutgoingMessage message)
    {
        foreach (var s in _subscribers)
        {
            if (!ReferenceEquals(s, message.Origin))
            {
                s.Deliver(message);
            }
        }
        OnBroadcastLocked(message);
    }

    /// <summary>Scale-out hook (ScaleOut/LiveDocument.ScaleOut.cs): publishes to the other nodes.</summary>
    partial void OnBroadcastLocked(OutgoingMessage message);
}
