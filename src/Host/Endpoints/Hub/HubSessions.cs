using System.Collections.Concurrent;

namespace CrdtCollab.Host.Endpoints.Hub;

/// <summary>The documents each hub connection has joined (the hub itself holds no state).</summary>
internal sealed class HubSessions
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, HubSubscriber>> _connections = new();

    public ConcurrentDictionary<string, HubSubscriber> Of(string connectionId) =>
        _connections.GetOrAdd(connectionId, _ => new ConcurrentDictionary<string, HubSubscriber>(StringComparer.Ordinal));

    public IReadOnlyCollection<HubSubscriber> Remove(string connectionId) =>
        _connections.TryRemove(connectionId, out var docs) ? docs.Values.ToArray() : [];
}
