using CrdtCollab.Host.Security;

namespace CrdtCollab.Host.Broadcast;

/// <summary>
/// One connection's presence in one live document, whatever its transport. The document calls
/// <see cref="Deliver"/> under its lock, in order; it must not block (transports queue).
/// </summary>
internal interface IDocumentSubscriber
{
    /// <summary>The connection's id (a y-websocket or Hocuspocus socket, a SignalR connection): logs and traces name it.</summary>
    string ConnectionId { get; }

    /// <summary>The transport's tag in metrics and logs (<c>y-websocket</c>, <c>hocuspocus</c>, <c>signalr</c>).</summary>
    string Transport { get; }

    /// <summary>Who is connected.</summary>
    ConnectionUser User { get; }

    /// <summary>The user's current role on the document; lowered or removed while connected.</summary>
    Role Role { get; set; }

    /// <summary>Per-connection rate limits for updates and for awareness.</summary>
    SubscriberLimits Limits { get; }

    /// <summary>Queues a message for this subscriber's socket.</summary>
    void Deliver(OutgoingMessage message);

    /// <summary>Closes the connection with a reconnect-able code (the client then reloads and resyncs).</summary>
    void Disconnect(string reason);

    /// <summary>
    /// The user's role changed while connected: tell the client (read-only now), or, for
    /// <see cref="Role.None"/>, end this document's session with a specific code or message.
    /// </summary>
    void RoleChanged(Role role);

    /// <summary>The awareness client ids this subscriber has set, removed when it leaves.</summary>
    HashSet<long> AwarenessClients { get; }
}
