namespace CrdtCollab.EventStore;

/// <summary>What loading a document reads: the latest snapshot (if any) and the events after it.</summary>
public sealed record DocumentState
{
    /// <summary>The document's stream.</summary>
    public required Guid StreamId { get; init; }

    /// <summary>The latest snapshot at or below the requested version, or null.</summary>
    public Snapshot? Snapshot { get; init; }

    /// <summary>Events after the snapshot, in version order.</summary>
    public required IReadOnlyList<StoredEvent> Tail { get; init; }

    /// <summary>The version this state reflects (0 for an empty document).</summary>
    public long Version => Tail.Count > 0 ? Tail[^1].StreamVersion : Snapshot?.Version ?? 0;

    /// <summary>The updates to apply in order: the snapshot's, then each tail event's.</summary>
    public IReadOnlyList<byte[]> Updates()
    {
        var list = new List<byte[]>(Tail.Count + 1);
        if (Snapshot is not null)
        {
            list.Add(Snapshot.Payload);
        }
        foreach (var e in Tail)
        {
            list.Add(e.Payload);
        }
        return list;
    }
}
