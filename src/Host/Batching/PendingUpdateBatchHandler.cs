using CrdtCollab.Host.Commit;

namespace CrdtCollab.Host.Batching;

/// <summary>
/// Wolverine's handler for a batch assembled by <c>BatchMessagesOf&lt;PendingUpdate&gt;</c>
/// (flush at <see cref="SyncServerOptions.FlushMaxUpdates"/> or <see cref="SyncServerOptions.FlushInterval"/>).
/// The batch queue is sequential, so batches commit in the order they were assembled.
/// </summary>
public static class PendingUpdateBatchHandler
{
    /// <summary>Commits one batch; returns when it is stored and acknowledged.</summary>
    public static Task Handle(PendingUpdate[] batch, BatchCommitter committer, CancellationToken cancellationToken) =>
        committer.CommitAsync(batch, cancellationToken);
}
