using CrdtCollab.Crdt;
using CrdtCollab.Host.Intake;
using CrdtCollab.Host.LiveDocuments;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace CrdtCollab.Host.Endpoints.Hub;

/// <summary>
/// <c>/hubs/sync</c>: join, leave, sync, update and awareness over SignalR (JSON or MessagePack).
/// A thin hub: the joined documents live in <see cref="HubSessions"/>, the work in the pipeline.
/// <see cref="Update"/> returns only after the update is committed.
/// </summary>
public sealed class SyncHub(IServiceProvider services) : Microsoft.AspNetCore.SignalR.Hub
{
    private LiveDocumentRegistry Registry => services.GetRequiredService<LiveDocumentRegistry>();

    private HubSessions Sessions => services.GetRequiredService<HubSessions>();

    /// <summary>Joins a document: its broadcasts reach this connection from now on.</summary>
    public async Task<JoinResult> Join(string documentId, byte[] stateVector)
    {
        var mine = Sessions.Of(Context.ConnectionId);
        if (!mine.TryGetValue(documentId, out var subscriber))
        {
            if (!DocumentId.IsValid(documentId))
            {
                throw Error(RejectionReason.InvalidDocumentId, "1-128 characters of [A-Za-z0-9._-]");
            }
            var context = Context;
            subscriber = new HubSubscriber(services.GetRequiredService<IHubContext<SyncHub>>(), Context.ConnectionId, () => context.Abort(),
                services.GetRequiredService<IOptions<SyncServerOptions>>().Value.MaxQueuedMessagesPerConnection);
            try
            {
                subscriber.Document = await Registry.AttachAsync(documentId, subscriber, Context.ConnectionAborted);
            }
            catch (IntakeRejectedException e)
            {
                subscriber.Complete();
                throw new HubException(e.ClientMessage);
            }
            if (!mine.TryAdd(documentId, subscriber))
            {
                // A concurrent Join of the same document won; keep one subscription.
                subscriber.Document.Detach(subscriber);
                subscriber.Complete();
                subscriber = mine[documentId];
            }
        }
        var doc = subscriber.Document;
        var sync = Answer(doc, stateVector);
        return new JoinResult(sync.Update, sync.StateVector, doc.EncodeAwarenessStates() ?? []);
    }

    /// <summary>Leaves a document; the awareness states this connection set are removed.</summary>
    public Task Leave(string documentId)
    {
        if (Sessions.Of(Context.ConnectionId).TryRemove(documentId, out var subscriber))
        {
            subscriber.Document.Detach(subscriber);
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
            var receipt = await services.GetRequiredService<UpdateIntake>().SubmitAsync(subscriber.Document, update, subscriber, Context.UserIdentifier);
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
            subscriber.Document.ApplyAwareness(update, subscriber);
        }
        catch (UpdateFormatException e)
        {
            throw Error(RejectionReason.InvalidUpdate, "awareness: " + e.Message);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnDisconnectedAsync(Exception? exception)
    {
        foreach (var subscriber in Sessions.Remove(Context.ConnectionId))
        {
            subscriber.Document.Detach(subscriber);
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
