using CrdtCollab.Host.Broadcast;
using CrdtCollab.Host.LiveDocuments;

namespace CrdtCollab.Host.Endpoints.Hocuspocus;

/// <summary>
/// One document on a Hocuspocus socket. <see cref="Address"/> is the name exactly as the provider
/// sent it (with <c>\0sessionId</c> when it multiplexes one document several times); replies
/// must carry it back unchanged for the provider to route them.
/// </summary>
internal sealed class HocuspocusSubscriber(WebSocketSession session, string address) : IDocumentSubscriber
{
    public string Address { get; } = address;

    /// <summary>Set once the registry has attached the subscriber.</summary>
    public LiveDocument Document { get; set; } = null!;

    public HashSet<long> AwarenessClients { get; } = [];

    public void Deliver(OutgoingMessage message) =>
        session.Send(Address == message.DocumentId ? message.HocuspocusFrame : HocuspocusFrame.Prefix(Address, message.YWebSocketFrame));

    public void Disconnect(string reason) => session.Close(WebSocketSession.ServiceRestart, reason);
}
