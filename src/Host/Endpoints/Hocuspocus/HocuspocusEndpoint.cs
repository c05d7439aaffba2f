using System.Net.WebSockets;
using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Protocols;
using CrdtCollab.Host.Intake;
using CrdtCollab.Host.Security;
using Microsoft.Extensions.Options;

namespace CrdtCollab.Host.Endpoints.Hocuspocus;

/// <summary>
/// <c>ws://HOST/hocuspocus</c>: the @hocuspocus/provider 4.x dialect, so the stock
/// <c>HocuspocusProvider</c> connects unchanged. Several documents share one socket; each is
/// opened by the provider's auth message and answered with "authenticated". A SyncStatus(1) is
/// sent for each update only once it is committed, so the provider's "unsynced changes" count
/// means "not yet saved" here (Hocuspocus's own server sends it once the update is applied).
/// </summary>
internal static class HocuspocusEndpoint
{
    private const int MaxTokenBytes = 16 * 1024;

    public static void Map(WebApplication app) => app.Map("/hocuspocus", HandleAsync);

    private static async Task HandleAsync(HttpContext context, IHostApplicationLifetime lifetime, DocumentAccess access, TokenService tokens, SyncFrameHandler frames,
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
        var logger = loggers.CreateLogger(typeof(HocuspocusEndpoint));
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await using var session = new WebSocketSession(socket, options.Value.MaxUpdateBytes + 1024, options.Value.MaxQueuedMessagesPerConnection, context.TraceIdentifier, Commit.SyncMetrics.Hocuspocus, metrics);
        sockets.Add(session);
        metrics.ConnectionOpened(session.Transport);
        var correlationId = Observability.Logging.LogScope.NewCorrelationId();
        using var scope = logger.BeginScope(new Observability.Logging.LogScope(session.ConnectionId, null, null, correlationId, session.Transport));
        var documents = new System.Collections.Concurrent.ConcurrentDictionary<string, HocuspocusSubscriber>(StringComparer.Ordinal);
        string reason = "closed by client";
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, session.Closing);
            while (await session.ReceiveAsync(stop.Token) is { } message)
            {
                using (message)
                {
                    await HandleMessageAsync(message, new Session(session, documents, access, tokens, frames, limits.Value, time, logger, metrics, correlationId), stop.Token);
                }
            }
        }
        catch (FrameRejectedException e)
        {
            metrics.Rejected(Commit.SyncMetrics.InvalidFrame);
            HostLog.BadFrame(logger, session.ConnectionId, e.Message);
            reason = e.Message;
            session.Close(e.Status, e.Message);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            reason = "connection lost";
        }
        finally
        {
            foreach (var d in documents.Values)
            {
                access.Close(d.Document, d);
            }
            sockets.Remove(session);
            metrics.ConnectionClosed(session.Transport);
            // The socket carried several documents (each with its own user): the line names them all.
            using (logger.BeginScope(new Observability.Logging.LogScope(session.ConnectionId,
                string.Join(',', documents.Values.Select(d => d.User.Id).Distinct(StringComparer.Ordinal)),
                string.Join(',', documents.Values.Select(d => d.Document.Id).Distinct(StringComparer.Ordinal)), correlationId, session.Transport)))
            {
                HostLog.ConnectionClosed(logger, session.ConnectionId, "hocuspocus", reason);
            }
        }
    }

    /// <summary>What one socket's message handling needs.</summary>
    private sealed record Session(WebSocketSession Socket, System.Collections.Concurrent.ConcurrentDictionary<string, HocuspocusSubscriber> Documents, DocumentAccess Access, TokenService Tokens,
        SyncFrameHandler Frames, SecurityLimits Limits, TimeProvider Time, ILogger Logger, Commit.SyncMetrics Metrics, string CorrelationId);

    private static async Task HandleMessageAsync(PooledMessage message, Session s, CancellationToken cancellationToken)
    {
        var address = HocuspocusFrame.ReadName(message.Span, out int consumed);
        int pos = consumed;
        var type = (HocuspocusMessageType)HocuspocusFrame.ReadVarUint(message.Span, ref pos);
        // A session-aware provider addresses "name\0session"; the document is the part before \0.
        int nul = address.IndexOf('\0', StringComparison.Ordinal);
        var documentId = nul < 0 ? address : address[..nul];
        // Each document on the socket has its own user (its own auth message).
        using var scope = s.Logger.BeginScope(new Observability.Logging.LogScope(s.Socket.ConnectionId,
            s.Documents.TryGetValue(address, out var known) ? known.User.Id : null, documentId, s.CorrelationId, s.Socket.Transport));
        switch (type)
        {
            case HocuspocusMessageType.Auth:
                long subtype = HocuspocusFrame.ReadVarUint(message.Span, ref pos);
                var token = subtype == HocuspocusFrame.AuthToken ? HocuspocusFrame.ReadVarString(message.Span, ref pos, MaxTokenBytes) : null;
                await OpenAsync(address, documentId, token, s, cancellationToken);
                return;
            case HocuspocusMessageType.Close:
                if (s.Documents.TryRemove(address, out var closed))
                {
                    s.Access.Close(closed.Document, closed);
                }
                return;
            case HocuspocusMessageType.Sync or HocuspocusMessageType.Awareness or HocuspocusMessageType.QueryAwareness:
                break;
            default:
                // Pong, stateless messages: nothing for the server to do.
                return;
        }
        if (!s.Documents.TryGetValue(address, out var subscriber))
        {
            // Hocuspocus admits document messages only after the auth message for that document.
            s.Socket.Send(HocuspocusFrame.PermissionDenied(address, "not-joined: send the auth message first"));
            return;
        }
        var inner = message.Span[consumed..];
        Task<UpdateReceipt>? saved;
        try
        {
            saved = s.Frames.Handle(subscriber.Document, subscriber, inner, reply => s.Socket.Send(HocuspocusFrame.Prefix(address, reply)), subscriber.User.Id);
        }
        catch (UpdateFormatException e)
        {
            s.Metrics.Rejected(Commit.SyncMetrics.InvalidFrame);
            HostLog.BadFrame(s.Logger, s.Socket.ConnectionId, e.Message);
            s.Socket.Send(HocuspocusFrame.SyncStatus(address, saved: false));
            return;
        }
        catch (IntakeRejectedException e)
        {
            // An awareness update over the rate limit or malformed: dropped, the session goes on.
            HostLog.BadFrame(s.Logger, s.Socket.ConnectionId, e.ClientMessage);
            return;
        }
        if (type == HocuspocusMessageType.Sync && inner.Length > 1 && inner[1] == (byte)SyncMessageType.SyncStep1)
        {
            // As Hocuspocus's server does: answer step 1 with step 2, then ask for what we lack.
            s.Socket.Send(HocuspocusFrame.Prefix(address, YWebSocketEnvelope.EncodeSyncStep1(subscriber.Document.EncodeStateVector())));
        }
        if (saved is not null)
        {
            var socket = s.Socket;
            var logger = s.Logger;
            _ = saved.ContinueWith(t =>
            {
                if (t.Exception?.InnerException is IntakeRejectedException rejected)
                {
                    HostLog.BadFrame(logger, socket.ConnectionId, rejected.ClientMessage);
                }
                socket.Send(HocuspocusFrame.SyncStatus(address, t.IsCompletedSuccessfully));
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private static async Task OpenAsync(string address, string documentId, string? token, Session s, CancellationToken cancellationToken)
    {
        if (await s.Tokens.ValidateAsync(token, cancellationToken) is not { } user)
        {
            s.Socket.Send(HocuspocusFrame.PermissionDenied(address, "unauthorized: a valid token is required"));
            return;
        }
        if (s.Documents.TryGetValue(address, out var existing))
        {
            s.Socket.Send(HocuspocusFrame.Authenticated(address, HocuspocusFrame.ScopeOf(existing.Role)));
            return;
        }
        if (!DocumentId.IsValid(documentId))
        {
            s.Socket.Send(HocuspocusFrame.PermissionDenied(address, "invalid-document-id: 1-128 characters of [A-Za-z0-9._-]"));
            return;
        }
        var documents = s.Documents;
        var subscriber = new HocuspocusSubscriber(s.Socket, address, user, new SubscriberLimits(s.Limits, s.Time),
            revoked => documents.TryRemove(revoked.Address, out _));
        try
        {
            subscriber.Document = await s.Access.OpenAsync(documentId, subscriber, cancellationToken);
            documents[address] = subscriber;
            s.Socket.Send(HocuspocusFrame.Authenticated(address, HocuspocusFrame.ScopeOf(subscriber.Role)));
        }
        catch (IntakeRejectedException e)
        {
            s.Socket.Send(HocuspocusFrame.PermissionDenied(address, e.ClientMessage));
        }
    }
}
