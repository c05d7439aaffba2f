using System.Net.WebSockets;
using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Protocols;
using CrdtCollab.Host.Intake;
using CrdtCollab.Host.LiveDocuments;
using Microsoft.Extensions.Options;

namespace CrdtCollab.Host.Endpoints.YWebSocket;

/// <summary>
/// <c>ws://HOST/ws/{documentId}</c>: the y-websocket protocol, so the stock
/// <c>WebsocketProvider(url + '/ws', documentId)</c> connects unchanged. On connect the server
/// sends its SyncStep1 (and the awareness states it knows), as y-websocket's own server does.
/// </summary>
internal static class YWebSocketEndpoint
{
    public static void Map(WebApplication app) => app.Map("/ws/{documentId}", HandleAsync);

    private static async Task HandleAsync(HttpContext context, IHostApplicationLifetime lifetime, string documentId, LiveDocumentRegistry registry, SyncFrameHandler frames,
        OpenSockets sockets, IOptions<SyncServerOptions> options, ILoggerFactory loggers)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // A provider reconnects at once after our 1012; it must go to the next server, not
            // keep this one draining.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("expected a WebSocket upgrade");
            return;
        }
        if (!DocumentId.IsValid(documentId))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("invalid-document-id: 1-128 characters of [A-Za-z0-9._-]");
            return;
        }
        var logger = loggers.CreateLogger(typeof(YWebSocketEndpoint));
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await using var session = new WebSocketSession(socket, options.Value.MaxUpdateBytes + 64, options.Value.MaxQueuedMessagesPerConnection, context.TraceIdentifier);
        sockets.Add(session);
        var subscriber = new YWebSocketSubscriber(session);
        LiveDocument? doc = null;
        string reason = "closed by client";
        try
        {
            doc = await registry.AttachAsync(documentId, subscriber, context.RequestAborted);
            session.Send(YWebSocketEnvelope.EncodeSyncStep1(doc.EncodeStateVector()));
            if (doc.EncodeAwarenessStates() is { } states)
            {
                session.Send(YWebSocketEnvelope.EncodeAwareness(states));
            }
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, session.Closing);
            while (await session.ReceiveAsync(stop.Token) is { } message)
            {
                using (message)
                {
                    var saved = frames.Handle(doc, subscriber, message.Span, session.Send, context.User.Identity?.Name);
                    if (saved is { IsFaulted: true, Exception.InnerException: IntakeRejectedException rejected })
                    {
                        // y-websocket has no error message: close with the code, and the client
                        // reconnects and resyncs (for not-saved, after PostgreSQL is back).
                        session.Close(rejected.Reason == RejectionReason.InvalidUpdate ? WebSocketCloseStatus.InvalidPayloadData : WebSocketSession.TryAgainLater, rejected.ClientMessage);
                        reason = rejected.ClientMessage;
                        break;
                    }
                }
            }
        }
        catch (UpdateFormatException e)
        {
            HostLog.BadFrame(logger, session.ConnectionId, e.Message);
            reason = "invalid frame: " + e.Message;
            session.Close(WebSocketCloseStatus.InvalidPayloadData, reason);
        }
        catch (FrameRejectedException e)
        {
            HostLog.BadFrame(logger, session.ConnectionId, e.Message);
            reason = e.Message;
            session.Close(e.Status, e.Message);
        }
        catch (IntakeRejectedException e)
        {
            reason = e.ClientMessage;
            session.Close(WebSocketSession.TryAgainLater, e.ClientMessage);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            reason = "connection lost";
        }
        finally
        {
            doc?.Detach(subscriber);
            sockets.Remove(session);
            HostLog.ConnectionClosed(logger, session.ConnectionId, "y-websocket", reason);
        }
    }
}
