using System.Net.WebSockets;

namespace CrdtCollab.Host.Endpoints;

/// <summary>A WebSocket message the protocol does not allow; the socket is closed with <see cref="Status"/>.</summary>
internal sealed class FrameRejectedException(WebSocketCloseStatus status, string message) : Exception(message)
{
    public WebSocketCloseStatus Status { get; } = status;
}
