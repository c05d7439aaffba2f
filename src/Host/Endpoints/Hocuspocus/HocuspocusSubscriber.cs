using CrdtCollab.Host.Broadcast;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Host.Security;

namespace CrdtCollab.Host.Endpoints.Hocuspocus;

/// <summary>
/// One document on a Hocuspocus socket. <see cref="Address"/> is the name exactly as the provider
/// sent it (with <c>\0sessionId</c> when it multiplexes one document several times); replies
/// must carry it back unchanged for the provider to route them.
/// </summary>
internal sealed class HocuspocusSubscriber(WebSocketSession session, string address, ConnectionUser user, SubscriberLimits limits, Action<HocuspocusSubscriber> revoked)
    : SubscriberBase(user, limits)
{
    public string Address { get; } = address;

    /// <summary>Set once the registry has attached the subscriber.</summary>
    public LiveDocument Document { get; set; } = null!;

    public override string ConnectionId => session.ConnectionId;

    public override string Transport => Commit.SyncMetrics.Hocuspocus;

    public override void Deliver(OutgoingMessage message) =>
        session.Send(Address == message.DocumentId ? message.HocuspocusFrame : HocuspocusFrame.Prefix(Address, message.YWebSocketFrame), message);

    public override void Disconnect(string reason) => session.Close(WebSocketSession.ServiceRestart, reason);

    public override void RoleChanged(Role role)
    {
        if (role == Role.None)
        {
            // The provider reports permission denied and stops syncing this document; the socket
            // and its other documents carry on.
            revoked(this);
            session.Send(HocuspocusFrame.PermissionDenied(Address, "access revoked"));
        }
        else
        {
            session.Send(HocuspocusFrame.Authenticated(Address, HocuspocusFrame.ScopeOf(role)));
        }
    }
}
