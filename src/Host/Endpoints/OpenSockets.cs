using System.Collections.Concurrent;

namespace CrdtCollab.Host.Endpoints;

/// <summary>Every open raw WebSocket, so shutdown can close them with a reconnect-able code.</summary>
internal sealed class OpenSockets
{
    private readonly ConcurrentDictionary<WebSocketSession, byte> _sessions = new();

    public int Count => _sessions.Count;

    public void Add(WebSocketSession session) => _sessions.TryAdd(session, 0);

    public void Remove(WebSocketSession session) => _sessions.TryRemove(session, out _);

    public void CloseAll(string reason)
    {
        foreach (var s in _sessions.Keys)
        {
            s.Close(WebSocketSession.ServiceRestart, reason);
        }
    }
}
