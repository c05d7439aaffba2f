using System.Diagnostics;
using CrdtCollab.Host.Batching;
using CrdtCollab.Host.Broadcast;
using CrdtCollab.Host.LiveDocuments;

namespace CrdtCollab.Host.Observability;

/// <summary>
/// The update path's spans (source <c>CrdtCollab.Sync</c>; docs/observability.md). Each update is
/// its own trace: <c>crdtcollab.update</c> (received → acknowledged) with children
/// <c>crdtcollab.update.apply</c> (validate, apply, broadcast to this node's subscribers) and
/// <c>crdtcollab.update.commit_wait</c> (queued in the Wolverine batch until its commit). One flush
/// carries many updates, so <c>crdtcollab.batch.commit</c> links to every update's commit_wait span
/// instead of having one parent. Callers check <see cref="Enabled"/> first: with no listener
/// nothing here is called and nothing is allocated.
/// </summary>
internal static class SyncTracing
{
    public const string SourceName = "CrdtCollab.Sync";

    public const string UpdateSpan = "crdtcollab.update";
    public const string ApplySpan = "crdtcollab.update.apply";
    public const string CommitWaitSpan = "crdtcollab.update.commit_wait";
    public const string BatchSpan = "crdtcollab.batch.commit";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Whether anything listens (a tracer provider, a test's listener).</summary>
    public static bool Enabled => Source.HasListeners();

    /// <summary>
    /// Starts an update's trace. A new root, not a child of the connection's request (a y-websocket
    /// request lasts as long as the socket), linked to it instead.
    /// </summary>
    public static Activity? StartUpdate(LiveDocument doc, IDocumentSubscriber? origin, string? userId, int bytes)
    {
        var connection = Activity.Current;
        var activity = Source.StartActivity(UpdateSpan, ActivityKind.Server, parentContext: default,
            links: connection is null ? null : [new ActivityLink(connection.Context)]);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("crdtcollab.document.id", doc.Id);
            activity.SetTag("crdtcollab.transport", origin?.Transport ?? Intake.UpdateIntake.Internal);
            activity.SetTag("crdtcollab.update.bytes", bytes);
            if (origin is not null)
            {
                activity.SetTag("crdtcollab.connection.id", origin.ConnectionId);
            }
            if (userId is not null)
            {
                activity.SetTag("user.id", userId);
            }
        }
        return activity;
    }

    /// <summary>Starts a batch's span, linked to the commit_wait span of every update it carries.</summary>
    public static Activity? StartBatch(PendingUpdate[] batch, Guid batchId, int documents)
    {
        List<ActivityLink>? links = null;
        foreach (var u in batch)
        {
            if (u.TraceContext != default)
            {
                (links ??= new List<ActivityLink>(batch.Length)).Add(new ActivityLink(u.TraceContext));
            }
        }
        var activity = Source.StartActivity(BatchSpan, ActivityKind.Internal, Activity.Current?.Context ?? default, links: links);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("crdtcollab.batch.id", batchId.ToString("N"));
            activity.SetTag("crdtcollab.batch.size", batch.Length);
            activity.SetTag("crdtcollab.batch.documents", documents);
        }
        return activity;
    }
}
