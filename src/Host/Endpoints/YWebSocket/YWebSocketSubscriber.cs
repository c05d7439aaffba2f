using System.Net.WebSockets;
using CrdtCollab.Crdt.Protocols;
using CrdtCollab.Host.Broadcast;
using CrdtCollab.Host.Security;

namespace CrdtCollab.Host.Endpoints.YWebSocket;

/// <summary>A y-websocket connection: one socket, one document.</summary>
internal sealed class YWebSocketSubscriber(WebSocketSession session, ConnectionUser user, SubscriberLimits limits) : SubscriberBase(user, limits)
{
    /// <summary>Close code for access revoked on an open connection (4000–4999 are the application's).</summary>
    public const WebSocketCloseStatus AccessRevoked = (WebSocketCloseStatus)4403;

    public override string ConnectionId => session.ConnectionId;

    public override string Transport => Commit.SyncMetrics.YWebSocket;

    public override void Deliver(OutgoingMessage message) => session.Send(message.YWebSocketFrame, message);

    public override void Disconnect(string reason) => session.Close(WebSocketSession.ServiceRestart, reason);

    public override void RoleChanged(Role role)
    {
        if (role == Role.None)
        {
            session.Close(AccessRevoked, "access revoked");
        }
        else if (!RoleNames.CanWrite(role))
        {
            // y-websocket's only server notice: its provider logs the reason.
            session.Send(YWebSocketEnvelope.EncodePermissionDenied($"read-only: your role is now {RoleNames.Of(role)}"));
        }
    }
}
