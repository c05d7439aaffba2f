using CrdtCollab.Crdt;

namespace CrdtCollab.EventStore;

/// <summary>The production <see cref="ISnapshotMerger"/>: Yjs V1 update merging from the CRDT engine.</summary>
public sealed class YUpdateSnapshotMerger : ISnapshotMerger
{
    /// <summary>The shared instance; it holds no state.</summary>
    public static YUpdateSnapshotMerger Instance { get; } = new();

    /// <inheritdoc />
    public byte[] Merge(IReadOnlyList<byte[]> updates) => YUpdate.MergeUpdates(updates);
}
