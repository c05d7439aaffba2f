using CrdtCollab.Host.Broadcast;

namespace CrdtCollab.Host.Endpoints.YWebSocket;

/// <summary>A y-websocket connection: one socket, one document.</summary>
internal sealed class YWebSocketSubscriber(WebSocketSession session) : IDocumentSubscriber
{
    public HashSet<long> AwarenessClients { get; } = [];

    public void Deliver(OutgoingMessage message) => session.Send(message.YWebSocketFrame);

    public void Disconnect(string reason) => session.Close(WebSocketSession.ServiceRestart, reason);
}
