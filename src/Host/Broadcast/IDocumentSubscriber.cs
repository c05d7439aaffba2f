namespace CrdtCollab.Host.Broadcast;

/// <summary>
/// One connection's presence in one live document, whatever its transport. The document calls
/// <see cref="Deliver"/> from its broadcast loop, in order; it must not block (transports queue).
/// </summary>
internal interface IDocumentSubscriber
{
    /// <summary>Queues a message for this subscriber's socket.</summary>
    void Deliver(OutgoingMessage message);

    /// <summary>Closes the connection with a reconnect-able code (the client then reloads and resyncs).</summary>
    void Disconnect(string reason);

    /// <summary>The awareness client ids this subscriber has set, removed when it leaves.</summary>
    HashSet<long> AwarenessClients { get; }
}
