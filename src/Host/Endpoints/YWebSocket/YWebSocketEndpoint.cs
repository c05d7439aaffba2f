using System.Net.WebSockets;
using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Protocols;
using CrdtCollab.Host.Intake;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Host.Security;
using Microsoft.Extensions.Options;

namespace CrdtCollab.Host.Endpoints.YWebSocket;

/// <summary>
/// <c>ws://HOST/ws/{documentId}?token=…</c>: the y-websocket protocol, so the stock
/// <c>WebsocketProvider(url + '/ws', documentId, doc, { params: { token } })</c> connects
/// unchanged. On connect the server sends its SyncStep1 (and the awareness states it knows), as
/// y-websocket's own server does. The upgrade needs a valid token (401 otherwise); without a role
/// on the document the socket is closed with 4403, which the stock provider does not retry.
/// </summary>
internal static class YWebSocketEndpoint
{
    /// <summary>Close code for a connection over its rate limit.</summary>
    public const WebSocketCloseStatus RateLimited = (WebSocketCloseStatus)4429;

    public static void Map(WebApplication app) => app.Map("/ws/{documentId}", HandleAsync).RequireAuthorization();

    private static async Task HandleAsync(HttpContext context, IHostApplicationLifetime lifetime, string documentId, DocumentAccess access, SyncFrameHandler frames,
        OpenSockets sockets, IOptions<SyncServerOptions> options, IOptions<SecurityLimits> limits, TimeProvider time, ILoggerFactory loggers, Commit.SyncMetrics metrics)
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
        if (ConnectionUser.From(context.User) is not { } user)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        var logger = loggers.CreateLogger(typeof(YWebSocketEndpoint));
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await using var session = new WebSocketSession(socket, options.Value.MaxUpdateBytes + 64, options.Value.MaxQueuedMessagesPerConnection, context.TraceIdentifier, Commit.SyncMetrics.YWebSocket, metrics);
        sockets.Add(session);
        metrics.ConnectionOpened(session.Transport);
        using var scope = logger.BeginScope(new Observability.Logging.LogScope(session.ConnectionId, user.Id, documentId, Observability.Logging.LogScope.NewCorrelationId(), session.Transport));
        HostLog.ConnectionOpened(logger, session.ConnectionId, session.Transport, user.Id);
        var subscriber = new YWebSocketSubscriber(session, user, new SubscriberLimits(limits.Value, time));
        LiveDocument? doc = null;
        string reason = "closed by client";
        try
        {
            doc = await access.OpenAsync(documentId, subscriber, context.RequestAborted);
            session.Send(YWebSocketEnvelope.EncodeSyncStep1(doc.EncodeStateVector()));
            if (doc.EncodeAwarenessStates() is { } states)
            {
                session.Send(YWebSocketEnvelope.EncodeAwareness(states));
            }
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, session.Closing);
            Action<byte[]> reply = m => session.Send(m);
            while (await session.ReceiveAsync(stop.Token) is { } message)
            {
                using (message)
                {
                    IntakeRejectedException? rejected;
                    try
                    {
                        var saved = frames.Handle(doc, subscriber, message.Span, reply, user.Id);
                        rejected = saved is { IsFaulted: true } ? saved.Exception?.InnerException as IntakeRejectedException : null;
                    }
                    catch (IntakeRejectedException e)
                    {
                        rejected = e;
                    }
                    if (rejected is null)
                    {
                        continue;
                    }
                    if (rejected.Reason == RejectionReason.Forbidden)
                    {
                        // Refused, not fatal: the viewer stays connected and keeps receiving.
                        session.Send(YWebSocketEnvelope.EncodePermissionDenied(rejected.ClientMessage));
                        continue;
                    }
                    // y-websocket has no error message: close with the code, and the client
                    // reconnects and resyncs (for not-saved, after PostgreSQL is back).
                    session.Close(rejected.Reason switch
                    {
                        RejectionReason.InvalidUpdate => WebSocketCloseStatus.InvalidPayloadData,
                        RejectionReason.RateLimited => RateLimited,
                        _ => WebSocketSession.TryAgainLater,
                    }, rejected.ClientMessage);
                    reason = rejected.ClientMessage;
                    break;
                }
            }
        }
        catch (UpdateFormatException e)
        {
            metrics.Rejected(Commit.SyncMetrics.InvalidFrame);
            HostLog.BadFrame(logger, session.ConnectionId, e.Message);
            reason = "invalid frame: " + e.Message;
            session.Close(WebSocketCloseStatus.InvalidPayloadData, reason);
        }
        catch (FrameRejectedException e)
        {
            metrics.Rejected(Commit.SyncMetrics.InvalidFrame);
            HostLog.BadFrame(logger, session.ConnectionId, e.Message);
            reason = e.Message;
            session.Close(e.Status, e.Message);
        }
        catch (IntakeRejectedException e)
        {
            reason = e.ClientMessage;
            session.Close(e.Reason == RejectionReason.Forbidden ? YWebSocketSubscriber.AccessRevoked : WebSocketSession.TryAgainLater, e.ClientMessage);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            reason = "connection lost";
        }
        finally
        {
            if (doc is not null)
            {
                access.Close(doc, subscriber);
            }
            sockets.Remove(session);
            metrics.ConnectionClosed(session.Transport);
            HostLog.ConnectionClosed(logger, session.ConnectionId, "y-websocket", reason);
        }
    }
}
