using System.Collections.Concurrent;
using CrdtCollab.Host.Broadcast;

namespace CrdtCollab.Host.Security;

/// <summary>Counts each user's open document sessions on this node; adding or removing one twice is a no-op.</summary>
internal sealed class UserSessions
{
    private readonly ConcurrentDictionary<IDocumentSubscriber, string> _sessions = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<string, int> _perUser = new(StringComparer.Ordinal);

    public bool TryAdd(IDocumentSubscriber subscriber, int limit)
    {
        var user = subscriber.User.Id;
        if (_perUser.AddOrUpdate(user, 1, (_, n) => n + 1) > limit)
        {
            _perUser.AddOrUpdate(user, 0, (_, n) => n - 1);
            return false;
        }
        if (!_sessions.TryAdd(subscriber, user))
        {
            _perUser.AddOrUpdate(user, 0, (_, n) => n - 1);
        }
        return true;
    }

    public void Remove(IDocumentSubscriber subscriber)
    {
        if (_sessions.TryRemove(subscriber, out var user))
        {
            _perUser.AddOrUpdate(user, 0, (_, n) => n - 1);
        }
    }
}
