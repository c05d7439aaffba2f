using CrdtCollab.Crdt;
using CrdtCollab.Host.Intake;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Host.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace CrdtCollab.Host.Endpoints.Hub;

/// <summary>
/// <c>/hubs/sync</c>: join, leave, sync, update and awareness over SignalR (JSON or MessagePack).
/// A thin hub: the joined documents live in <see cref="HubSessions"/>, the work in the pipeline.
/// <see cref="Update"/> returns only after the update is committed. Every call needs a valid
/// token (the <c>access_token</c> query on WebSockets) and a role on the document.
/// </summary>
[Authorize]
public sealed class SyncHub(IServiceProvider services) : Microsoft.AspNetCore.SignalR.Hub
{
    private DocumentAccess Access => services.GetRequiredService<DocumentAccess>();

    private HubSessions Sessions => services.GetRequiredService<HubSessions>();

    /// <summary>Joins a document: its broadcasts reach this connection from now on.</summary>
    public async Task<JoinResult> Join(string documentId, byte[] stateVector)
    {
        var mine = Sessions.Of(Context.ConnectionId);
        if (!mine.TryGetValue(documentId ?? "", out var subscriber))
        {
            if (!DocumentId.IsValid(documentId))
            {
                throw Error(RejectionReason.InvalidDocumentId, "1-128 characters of [A-Za-z0-9._-]");
            }
            var user = ConnectionUser.From(Context.User) ?? throw Error(RejectionReason.Unauthorized, "the token has no subject");
            var context = Context;
            var sessions = Sessions;
            var connectionId = Context.ConnectionId;
            subscriber = new HubSubscriber(services.GetRequiredService<IHubContext<SyncHub>>(), connectionId, () => context.Abort(),
                revoked =>
                {
                    sessions.Of(connectionId).TryRemove(new KeyValuePair<string, HubSubscriber>(revoked.DocumentId, revoked));
                    revoked.Complete();
                },
                services.GetRequiredService<IOptions<SyncServerOptions>>().Value.MaxQueuedMessagesPerConnection,
                user, new SubscriberLimits(services.GetRequiredService<IOptions<SecurityLimits>>().Value, TimeProvider.System),
                services.GetRequiredService<Commit.SyncMetrics>())
            {
                DocumentId = documentId!,
            };
            try
            {
                subscriber.Document = await Access.OpenAsync(documentId!, subscriber, Context.ConnectionAborted);
            }
            catch (IntakeRejectedException e)
            {
                subscriber.Complete();
                throw new HubException(e.ClientMessage);
            }
            if (!mine.TryAdd(documentId!, subscriber))
            {
                // A concurrent Join of the same document won; keep one subscription.
                Access.Close(subscriber.Document, subscriber);
                subscriber.Complete();
                subscriber = mine[documentId!];
            }
        }
        var doc = subscriber.Document;
        var sync = Answer(doc, stateVector);
        return new JoinResult(sync.Update, sync.StateVector, doc.EncodeAwarenessStates() ?? []) { Role = RoleNames.Of(subscriber.Role) };
    }

    /// <summary>Leaves a document; the awareness states this connection set are removed.</summary>
    public Task Leave(string documentId)
    {
        if (documentId is not null && Sessions.Of(Context.ConnectionId).TryRemove(documentId, out var subscriber))
        {
            Access.Close(subscriber.Document, subscriber);
            subscriber.Complete();
        }
        return Task.CompletedTask;
    }

    /// <summary>A catch-up exchange by state vector.</summary>
    public Task<SyncResult> Sync(string documentId, byte[] stateVector) => Task.FromResult(Answer(Joined(documentId).Document, stateVector));

    /// <summary>Applies and stores an update; returns once it is committed.</summary>
    public async Task<UpdateAck> Update(string documentId, byte[] update)
    {
        var subscriber = Joined(documentId);
        try
        {
            var receipt = await services.GetRequiredService<UpdateIntake>().SubmitAsync(subscriber.Document, update ?? [], subscriber, subscriber.User.Id);
            return new UpdateAck(receipt.Stored, receipt.Version);
        }
        catch (IntakeRejectedException e)
        {
            throw new HubException(e.ClientMessage);
        }
    }

    /// <summary>Applies and broadcasts an awareness update.</summary>
    public Task Awareness(string documentId, byte[] update)
    {
        var subscriber = Joined(documentId);
        try
        {
            services.GetRequiredService<UpdateIntake>().SubmitAwareness(subscriber.Document, update ?? [], subscriber);
        }
        catch (IntakeRejectedException e)
        {
            throw new HubException(e.ClientMessage);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnConnectedAsync()
    {
        services.GetRequiredService<Commit.SyncMetrics>().ConnectionOpened(Commit.SyncMetrics.SignalR);
        return base.OnConnectedAsync();
    }

    /// <inheritdoc />
    public override Task OnDisconnectedAsync(Exception? exception)
    {
        services.GetRequiredService<Commit.SyncMetrics>().ConnectionClosed(Commit.SyncMetrics.SignalR);
        foreach (var subscriber in Sessions.Remove(Context.ConnectionId))
        {
            Access.Close(subscriber.Document, subscriber);
            subscriber.Complete();
        }
        return base.OnDisconnectedAsync(exception);
    }

    private HubSubscriber Joined(string documentId) =>
        documentId is not null && Sessions.Of(Context.ConnectionId).TryGetValue(documentId, out var s)
            ? s
            : throw Error(RejectionReason.NotJoined, $"join {documentId} first");

    private static SyncResult Answer(LiveDocument doc, byte[] stateVector)
    {
        try
        {
            return new SyncResult(doc.EncodeStateAsUpdate(stateVector ?? []), doc.EncodeStateVector());
        }
        catch (UpdateFormatException e)
        {
            throw Error(RejectionReason.InvalidUpdate, "state vector: " + e.Message);
        }
    }

    private static HubException Error(RejectionReason reason, string detail) => new($"{IntakeRejectedException.CodeOf(reason)}: {detail}");
}
