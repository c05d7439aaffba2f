namespace CrdtCollab.EventStore;

/// <summary>A document's state as one merged update, valid as of a stream version.</summary>
public sealed record Snapshot
{
    /// <summary>The document's stream.</summary>
    public required Guid StreamId { get; init; }

    /// <summary>The snapshot covers events 1..Version.</summary>
    public required long Version { get; init; }

    /// <summary>The merged update.</summary>
    public required byte[] Payload { get; init; }

    /// <summary>When it was written.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
