namespace CrdtCollab.EventStore;

/// <summary>A point in a document's history that can be viewed or restored.</summary>
public sealed record DocumentVersion
{
    /// <summary>Identity of the version row.</summary>
    public required long Id { get; init; }

    /// <summary>The document's stream.</summary>
    public required Guid StreamId { get; init; }

    /// <summary>The version covers events 1..StreamVersion.</summary>
    public required long StreamVersion { get; init; }

    /// <summary>Why it exists.</summary>
    public required DocumentVersionKind Kind { get; init; }

    /// <summary>The user-given name (named versions only).</summary>
    public string? Name { get; init; }

    /// <summary>Who created it (named versions only).</summary>
    public string? CreatedBy { get; init; }

    /// <summary>When it was recorded.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
