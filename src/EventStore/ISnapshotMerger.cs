namespace CrdtCollab.EventStore;

/// <summary>
/// Merges a document's updates into one update. The store stays free of CRDT logic; production
/// wiring passes <see cref="YUpdateSnapshotMerger"/>.
/// </summary>
public interface ISnapshotMerger
{
    /// <summary>Returns one update equivalent to applying <paramref name="updates"/> in order.</summary>
    /// <param name="updates">The previous snapshot (if any) followed by the tail's payloads.</param>
    byte[] Merge(IReadOnlyList<byte[]> updates);
}
