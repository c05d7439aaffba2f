using System.Net.WebSockets;
using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Protocols;
using CrdtCollab.Host.Intake;
using CrdtCollab.Host.LiveDocuments;
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
    private const string ReadWrite = "read-write";

    public static void Map(WebApplication app) => app.Map("/hocuspocus", HandleAsync);

    private static async Task HandleAsync(HttpContext context, IHostApplicationLifetime lifetime, LiveDocumentRegistry registry, SyncFrameHandler frames,
        OpenSockets sockets, IOptions<SyncServerOptions> options, TimeProvider time, ILoggerFactory loggers)
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
        await using var session = new WebSocketSession(socket, options.Value.MaxUpdateBytes + 1024, options.Value.MaxQueuedMessagesPerConnection, context.TraceIdentifier);
        sockets.Add(session);
        var documents = new Dictionary<string, HocuspocusSubscriber>(StringComparer.Ordinal);
        string reason = "closed by client";
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, session.Closing);
            while (await session.ReceiveAsync(stop.Token) is { } message)
            {
                using (message)
                {
                    await HandleMessageAsync(message, session, documents, registry, frames, time, logger, stop.Token);
                }
            }
        }
        catch (FrameRejectedException e)
        {
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
                d.Document.Detach(d);
            }
            sockets.Remove(session);
            HostLog.ConnectionClosed(logger, session.ConnectionId, "hocuspocus", reason);
        }
    }

    private static async Task HandleMessageAsync(PooledMessage message, WebSocketSession session, Dictionary<string, HocuspocusSubscriber> documents,
        LiveDocumentRegistry registry, SyncFrameHandler frames, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var address = HocuspocusFrame.ReadName(message.Span, out int consumed);
        int pos = consumed;
        var type = (HocuspocusMessageType)HocuspocusFrame.ReadVarUint(message.Span, ref pos);
        // A session-aware provider addresses "name\0session"; the document is the part before \0.
        int nul = address.IndexOf('\0', StringComparison.Ordinal);
        var documentId = nul < 0 ? address : address[..nul];
        switch (type)
        {
            case HocuspocusMessageType.Auth:
                long subtype = HocuspocusFrame.ReadVarUint(message.Span, ref pos);
                if (subtype == HocuspocusFrame.AuthToken)
                {
                    _ = HocuspocusFrame.ReadVarString(message.Span, ref pos, MaxTokenBytes); // authentication arrives with the security issue
                }
                await OpenAsync(address, documentId, session, documents, registry, cancellationToken);
                return;
            case HocuspocusMessageType.Close:
                if (documents.Remove(address, out var closed))
                {
                    closed.Document.Detach(closed);
                }
                return;
            case HocuspocusMessageType.Sync or HocuspocusMessageType.Awareness or HocuspocusMessageType.QueryAwareness:
                break;
            default:
                // Pong, stateless messages: nothing for the server to do.
                return;
        }
        if (!documents.TryGetValue(address, out var subscriber))
        {
            // Hocuspocus admits document messages only after the auth message for that document.
            session.Send(HocuspocusFrame.PermissionDenied(address, "not-joined: send the auth message first"));
            return;
        }
        var inner = message.Span[consumed..];
        Task<UpdateReceipt>? saved;
        try
        {
            saved = frames.Handle(subscriber.Document, subscriber, inner, reply => session.Send(HocuspocusFrame.Prefix(address, reply)), null);
        }
        catch (UpdateFormatException e)
        {
            HostLog.BadFrame(logger, session.ConnectionId, e.Message);
            session.Send(HocuspocusFrame.SyncStatus(address, saved: false));
            return;
        }
        if (type == HocuspocusMessageType.Sync && inner.Length > 1 && inner[1] == (byte)SyncMessageType.SyncStep1)
        {
            // As Hocuspocus's server does: answer step 1 with step 2, then ask for what we lack.
            session.Send(HocuspocusFrame.Prefix(address, YWebSocketEnvelope.EncodeSyncStep1(subscriber.Document.EncodeStateVector())));
        }
        if (saved is not null)
        {
            _ = saved.ContinueWith(t =>
            {
                if (t.Exception?.InnerException is IntakeRejectedException rejected)
                {
                    HostLog.BadFrame(logger, session.ConnectionId, rejected.ClientMessage);
                }
                session.Send(HocuspocusFrame.SyncStatus(address, t.IsCompletedSuccessfully));
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private static async Task OpenAsync(string address, string documentId, WebSocketSession session, Dictionary<string, HocuspocusSubscriber> documents,
        LiveDocumentRegistry registry, CancellationToken cancellationToken)
    {
        if (documents.ContainsKey(address))
        {
            session.Send(HocuspocusFrame.Authenticated(address, ReadWrite));
            return;
        }
        if (!DocumentId.IsValid(documentId))
        {
            session.Send(HocuspocusFrame.PermissionDenied(address, "invalid-document-id: 1-128 characters of [A-Za-z0-9._-]"));
            return;
        }
        var subscriber = new HocuspocusSubscriber(session, address);
        try
        {
            subscriber.Document = await registry.AttachAsync(documentId, subscriber, cancellationToken);
            documents.Add(address, subscriber);
            session.Send(HocuspocusFrame.Authenticated(address, ReadWrite));
        }
        catch (IntakeRejectedException e)
        {
            session.Send(HocuspocusFrame.PermissionDenied(address, e.ClientMessage));
        }
    }
}
