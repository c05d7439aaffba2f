using CrdtCollab.Host.Broadcast;
using CrdtCollab.Host.LiveDocuments;
using StackExchange.Redis;

namespace CrdtCollab.Host.ScaleOut;

/// <summary>
/// One loaded copy of a document on one node of several: its channel subscription, the
/// sequence of what it publishes, the last sequence seen from each peer copy, and the log
/// position up to which it has read (everything at or below <see cref="LogPosition"/> is applied).
/// </summary>
internal sealed class DocumentReplica(LiveDocument document, RedisChannel channel, RedisDocumentFanOut fanOut)
{
    private readonly Dictionary<Guid, long> _seen = [];
    private long _published;
    private int _catchUpScheduled;

    public LiveDocument Document { get; } = document;

    public RedisChannel Channel { get; } = channel;

    /// <summary>Names this copy's messages; a reload of the document is a new replica.</summary>
    public Guid Id { get; } = Guid.NewGuid();

    public ChannelMessageQueue? Subscription { get; set; }

    /// <summary>The stream version up to which the log has been applied here.</summary>
    public long LogPosition { get; set; } = document.Version;

    /// <summary>One catch-up at a time per replica.</summary>
    public SemaphoreSlim CatchUpGate { get; } = new(1, 1);

    public bool Detached { get; set; }

    /// <summary>Called under the document's lock, so messages leave in the document's order.</summary>
    public void Publish(OutgoingMessage message) =>
        fanOut.Publish(this, new FanOutMessage(message.Kind, fanOut.NodeId, Id, ++_published, message.Payload));

    /// <summary>Records a peer's sequence number; true when messages of that peer were lost in between.</summary>
    public bool RecordSequence(Guid peer, long sequence)
    {
        lock (_seen)
        {
            bool gap = _seen.TryGetValue(peer, out var last) && sequence != last + 1;
            if (_seen.Count > 1024 && !_seen.ContainsKey(peer))
            {
                // Peers' old copies (reloads) pile up only on a document that lives for a very long time.
                _seen.Clear();
            }
            _seen[peer] = Math.Max(sequence, last);
            return gap && sequence > last;
        }
    }

    /// <summary>True for the caller that gets to schedule the next delayed catch-up.</summary>
    public bool TryScheduleCatchUp() => Interlocked.Exchange(ref _catchUpScheduled, 1) == 0;

    public void CatchUpStarted() => Volatile.Write(ref _catchUpScheduled, 0);
}
