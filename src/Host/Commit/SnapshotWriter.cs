using System.Collections.Concurrent;
using CrdtCollab.EventStore;
using CrdtCollab.Host.LiveDocuments;
using Microsoft.Extensions.Options;

namespace CrdtCollab.Host.Commit;

/// <summary>
/// Writes a document's snapshot (its log merged into one update) every
/// <see cref="SyncServerOptions.SnapshotEvery"/> committed updates and on eviction, in the
/// background and at most one at a time per document. A snapshot only shortens loads: losing
/// one costs nothing, so failures are logged and not retried.
/// </summary>
internal sealed class SnapshotWriter(PostgresEventStore store, IOptions<SyncServerOptions> options, ILogger<SnapshotWriter> logger)
{
    private readonly ConcurrentDictionary<Guid, Task> _running = new();

    public void RequestIfDue(LiveDocument doc)
    {
        if (doc.EventsSinceSnapshot >= options.Value.SnapshotEvery)
        {
            doc.EventsSinceSnapshot = 0;
            _ = WriteAsync(doc.Id, doc.StreamId);
        }
    }

    /// <summary>Writes a snapshot now, or returns the one already being written for this document.</summary>
    public Task WriteAsync(string documentId, Guid streamId)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_running.TryAdd(streamId, done.Task))
        {
            return _running.TryGetValue(streamId, out var existing) ? existing : Task.CompletedTask;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                var snapshot = await store.CompactAsync(streamId, YUpdateSnapshotMerger.Instance, minTailEvents: 1);
                if (snapshot is not null)
                {
                    HostLog.SnapshotWritten(logger, documentId, snapshot.Version, snapshot.Payload.Length);
                }
            }
            catch (Exception e)
            {
                HostLog.SnapshotFailed(logger, documentId, e);
            }
            finally
            {
                _running.TryRemove(streamId, out _);
                done.TrySetResult();
            }
        });
        return done.Task;
    }
}
