using CrdtCollab.Crdt;
using CrdtCollab.Host.Batching;
using CrdtCollab.Host.Broadcast;
using CrdtCollab.Host.Commit;
using CrdtCollab.Host.LiveDocuments;
using Microsoft.Extensions.Options;

namespace CrdtCollab.Host.Intake;

/// <summary>
/// Where every transport hands a received update: check the limits, apply it to the live
/// document (which validates it in full and broadcasts what it added), then queue what it added
/// for the next batch. The returned task completes when the update is committed.
/// </summary>
internal sealed class UpdateIntake(IIntakeQueue queue, CommitBacklog backlog, IOptions<SyncServerOptions> options, SyncMetrics metrics, ILogger<UpdateIntake> logger)
{
    /// <summary>Transport tag of updates with no connection behind them (REST, imports).</summary>
    public const string Internal = "internal";

    /// <summary>
    /// Accepts an update. Throws <see cref="IntakeRejectedException"/> before anything is applied
    /// when the update is malformed or over a limit, or when the server cannot take more unsaved work.
    /// </summary>
    /// <returns>Once the update is saved: whether it added anything, and the document's stream version.</returns>
    public Task<UpdateReceipt> SubmitAsync(LiveDocument doc, byte[] update, IDocumentSubscriber? origin, string? userId) =>
        Observability.SyncTracing.Enabled ? SubmitTracedAsync(doc, update, origin, userId) : SubmitCoreAsync(doc, update, origin, userId, traced: false);

    private async Task<UpdateReceipt> SubmitTracedAsync(LiveDocument doc, byte[] update, IDocumentSubscriber? origin, string? userId)
    {
        using var activity = Observability.SyncTracing.StartUpdate(doc, origin, userId, update.Length);
        try
        {
            var receipt = await SubmitCoreAsync(doc, update, origin, userId, traced: activity is not null);
            activity?.SetTag("crdtcollab.update.stored", receipt.Stored);
            activity?.AddEvent(new System.Diagnostics.ActivityEvent("ack", tags: new System.Diagnostics.ActivityTagsCollection { ["crdtcollab.document.version"] = receipt.Version }));
            return receipt;
        }
        catch (IntakeRejectedException e)
        {
            activity?.SetTag("crdtcollab.rejection.reason", e.Code);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Code);
            throw;
        }
    }

    private async Task<UpdateReceipt> SubmitCoreAsync(LiveDocument doc, byte[] update, IDocumentSubscriber? origin, string? userId, bool traced)
    {
        var o = options.Value;
        metrics.UpdateReceived(origin?.Transport ?? Internal);
        if (origin is not null)
        {
            if (!Security.RoleNames.CanWrite(origin.Role))
            {
                throw Reject(doc, RejectionReason.Forbidden, $"{origin.User.Id} is a {Security.RoleNames.Of(origin.Role)} of {doc.Id} and cannot change it");
            }
            if (!origin.Limits.Updates.TryTake())
            {
                throw Reject(doc, RejectionReason.RateLimited, "too many updates per second");
            }
        }
        if (update.Length > o.MaxUpdateBytes)
        {
            throw Reject(doc, RejectionReason.UpdateTooLarge, $"update of {update.Length} bytes exceeds {o.MaxUpdateBytes}");
        }
        if (!backlog.TryReserve())
        {
            throw Reject(doc, RejectionReason.NotSaved, backlog.Stopping
                ? "the server is shutting down"
                : $"{backlog.Pending} updates are waiting for storage");
        }
        ApplyOutcome outcome;
        var apply = traced ? Observability.SyncTracing.Source.StartActivity(Observability.SyncTracing.ApplySpan) : null;
        try
        {
            outcome = doc.Apply(update, origin, o.MaxDocumentBytes);
            // What it added went to this node's subscribers (and other nodes) inside Apply.
            apply?.SetTag("crdtcollab.subscribers", doc.SubscriberCount);
            apply?.SetTag("crdtcollab.update.added", outcome.ToStore is not null);
        }
        catch (UpdateFormatException e)
        {
            backlog.Release(1);
            throw Reject(doc, RejectionReason.InvalidUpdate, e.Message);
        }
        catch (IntakeRejectedException e)
        {
            // The document's own limit (document-too-large), found under its lock.
            backlog.Release(1);
            metrics.Rejected(e.Code);
            HostLog.UpdateRejected(logger, doc.Id, e.Code, e.Message);
            throw;
        }
        catch
        {
            backlog.Release(1);
            throw;
        }
        finally
        {
            apply?.Dispose();
        }
        if (outcome.ToStore is null)
        {
            // Nothing new: acknowledged once what it repeats is committed, and not stored again.
            backlog.Release(1);
            return new UpdateReceipt(false, await outcome.Saved);
        }
        using var wait = traced ? Observability.SyncTracing.Source.StartActivity(Observability.SyncTracing.CommitWaitSpan) : null;
        var pending = new PendingUpdate(doc, outcome.Sequence, outcome.ToStore, Guid.CreateVersion7(), userId, origin?.ConnectionId, wait?.Context ?? default);
        wait?.SetTag("crdtcollab.update.id", pending.UpdateId.ToString());
        HostLog.UpdateAccepted(logger, pending.UpdateId, doc.Id, outcome.ToStore.Length);
        await queue.EnqueueAsync(pending);
        return new UpdateReceipt(true, await outcome.Saved);
    }

    /// <summary>Applies an awareness update within the subscriber's rate limit.</summary>
    /// <exception cref="IntakeRejectedException">Over the limit, or malformed.</exception>
    public void SubmitAwareness(LiveDocument doc, byte[] update, IDocumentSubscriber origin)
    {
        if (!origin.Limits.Awareness.TryTake())
        {
            throw Reject(doc, RejectionReason.RateLimited, "too many awareness updates per second");
        }
        try
        {
            doc.ApplyAwareness(update, origin);
        }
        catch (UpdateFormatException e)
        {
            throw Reject(doc, RejectionReason.InvalidUpdate, "awareness: " + e.Message);
        }
    }

    private IntakeRejectedException Reject(LiveDocument doc, RejectionReason reason, string detail)
    {
        var e = new IntakeRejectedException(reason, detail);
        metrics.Rejected(e.Code);
        HostLog.UpdateRejected(logger, doc.Id, e.Code, detail);
        return e;
    }
}
