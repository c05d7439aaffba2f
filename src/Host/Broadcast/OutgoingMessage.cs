using CrdtCollab.Crdt.Protocols;

namespace CrdtCollab.Host.Broadcast;

/// <summary>
/// One broadcast of one document. Each transport's frame is encoded at most once and shared by
/// every connection of that transport (SignalR does the same for its group sends).
/// </summary>
internal sealed class OutgoingMessage(string documentId, OutgoingMessageKind kind, byte[] payload, object? origin)
{
    private byte[]? _yWebSocketFrame;
    private byte[]? _hocuspocusFrame;

    public string DocumentId { get; } = documentId;

    public OutgoingMessageKind Kind { get; } = kind;

    /// <summary>The Yjs update or awareness update.</summary>
    public byte[] Payload { get; } = payload;

    /// <summary>The subscriber it came from (not sent back there), or null.</summary>
    public object? Origin { get; } = origin;

    /// <summary>When the document accepted it, for fan-out latency.</summary>
    public long AcceptedTimestamp { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    public byte[] YWebSocketFrame => _yWebSocketFrame ??= Kind == OutgoingMessageKind.Update
        ? YWebSocketEnvelope.EncodeUpdate(Payload)
        : YWebSocketEnvelope.EncodeAwareness(Payload);

    /// <summary>The Hocuspocus frame addressed to the plain document name.</summary>
    public byte[] HocuspocusFrame => _hocuspocusFrame ??= Endpoints.Hocuspocus.HocuspocusFrame.Prefix(DocumentId, YWebSocketFrame);
}
