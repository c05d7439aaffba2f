namespace CrdtCollab.Host.Batching;

/// <summary>Collects accepted updates into batches for <see cref="Commit.BatchCommitter"/>.</summary>
internal interface IIntakeQueue
{
    ValueTask EnqueueAsync(PendingUpdate update);
}
