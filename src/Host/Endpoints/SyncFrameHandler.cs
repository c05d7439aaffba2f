using CrdtCollab.Crdt.Protocols;
using CrdtCollab.Host.Broadcast;
using CrdtCollab.Host.Intake;
using CrdtCollab.Host.LiveDocuments;

namespace CrdtCollab.Host.Endpoints;

/// <summary>
/// Acts on one y-protocols frame (<c>varUint(type) payload</c>) for one document. y-websocket
/// sends these as they are; Hocuspocus sends them after the document name.
/// </summary>
internal sealed class SyncFrameHandler(UpdateIntake intake)
{
    /// <summary>
    /// Handles the frame, sending any answer through <paramref name="reply"/>. For an update (or
    /// SyncStep2) returns the task that completes when it is saved; otherwise null.
    /// </summary>
    /// <exception cref="Crdt.UpdateFormatException">The frame is malformed; nothing was applied.</exception>
    /// <exception cref="IntakeRejectedException">An awareness update over the rate limit or malformed.</exception>
    public Task<UpdateReceipt>? Handle(LiveDocument doc, IDocumentSubscriber subscriber, ReadOnlySpan<byte> frame, Action<byte[]> reply, string? userId)
    {
        switch (YWebSocketEnvelope.ReadMessageType(frame))
        {
            case YWebSocketMessageType.Sync:
                var message = YWebSocketEnvelope.DecodeSync(frame);
                if (message.Type == SyncMessageType.SyncStep1)
                {
                    reply(YWebSocketEnvelope.EncodeSyncStep2(doc.EncodeStateAsUpdate(message.Payload)));
                    return null;
                }
                return intake.SubmitAsync(doc, message.Payload, subscriber, userId);
            case YWebSocketMessageType.Awareness:
                intake.SubmitAwareness(doc, YWebSocketEnvelope.DecodeAwareness(frame), subscriber);
                return null;
            case YWebSocketMessageType.QueryAwareness:
                if (doc.EncodeAwarenessStates() is { } states)
                {
                    reply(YWebSocketEnvelope.EncodeAwareness(states));
                }
                return null;
            default:
                // Auth frames come from servers, not clients; y-websocket's server ignores them too.
                return null;
        }
    }
}
