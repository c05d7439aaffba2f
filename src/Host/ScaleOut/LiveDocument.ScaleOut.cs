using CrdtCollab.Crdt.Protocols;
using CrdtCollab.Host.Broadcast;
using CrdtCollab.Host.ScaleOut;

namespace CrdtCollab.Host.LiveDocuments;

/// <summary>
/// The scale-out half of <see cref="LiveDocument"/>: what it accepts is published to the other
/// nodes, and what they accepted is applied here and broadcast to this node's subscribers, but
/// never queued for storage (the node that accepted an update from its client stores it).
/// </summary>
internal sealed partial class LiveDocument
{
    /// <summary>The origin of everything applied from another node or from the log: never published again.</summary>
    internal static readonly object RemoteOrigin = new();

    /// <summary>This copy's Redis subscription and log position; null on a single node.</summary>
    internal DocumentReplica? Replica { get; set; }

    /// <summary>
    /// Applies an update another node accepted (or one read from the log) and broadcasts what it
    /// added to the local subscribers. Idempotent: what is already known adds nothing.
    /// Malformed input throws <see cref="Crdt.UpdateFormatException"/> and changes nothing.
    /// </summary>
    /// <param name="update">The update.</param>
    /// <param name="fromLog">True when it was read from the log (durable); false when another node
    /// published it, which it may not have committed yet (see <see cref="HoldsUnconfirmedRemote"/>).</param>
    /// <returns>Whether it added anything.</returns>
    public bool ApplyRemote(byte[] update, bool fromLog)
    {
        lock (_gate)
        {
            _captured = null;
            _doc.ApplyUpdate(update, RemoteOrigin);
            var emitted = _captured;
            _captured = null;
            if (emitted is null)
            {
                return false;
            }
            if (!fromLog)
            {
                _holdsUnconfirmedRemote = true;
            }
            ApproximateBytes += emitted.Length;
            BroadcastLocked(new OutgoingMessage(Id, OutgoingMessageKind.Update, emitted, RemoteOrigin));
            return true;
        }
    }

    /// <summary>Applies an awareness update from another node and broadcasts what it changed.</summary>
    public void ApplyRemoteAwareness(byte[] update)
    {
        lock (_gate)
        {
            var changed = AwarenessChangesLocked(() => Awareness.ApplyUpdate(update, RemoteOrigin));
            if (changed.Count > 0)
            {
                BroadcastLocked(new OutgoingMessage(Id, OutgoingMessageKind.Awareness, Awareness.EncodeUpdate(changed), RemoteOrigin));
            }
        }
    }

    partial void OnBroadcastLocked(OutgoingMessage message)
    {
        // Not what came from another node, and not awareness expiry (origin null): every node
        // expires stale states on its own clock.
        if (Replica is { } replica && !ReferenceEquals(message.Origin, RemoteOrigin)
            && (message.Kind == OutgoingMessageKind.Update || message.Origin is not null))
        {
            replica.Publish(message);
        }
    }
}
