using CrdtCollab.Host.Security;

namespace CrdtCollab.Host.Broadcast;

/// <summary>What every transport's subscriber holds alike: its user, role, limits and awareness clients.</summary>
internal abstract class SubscriberBase(ConnectionUser user, SubscriberLimits limits) : IDocumentSubscriber
{
    private volatile Role _role;

    public abstract string ConnectionId { get; }

    public abstract string Transport { get; }

    public ConnectionUser User { get; } = user;

    public Role Role
    {
        get => _role;
        set => _role = value;
    }

    public SubscriberLimits Limits { get; } = limits;

    public HashSet<long> AwarenessClients { get; } = [];

    public abstract void Deliver(OutgoingMessage message);

    public abstract void Disconnect(string reason);

    public abstract void RoleChanged(Role role);
}
