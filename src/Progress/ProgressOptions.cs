namespace CrdtCollab.Progress;

/// <summary>Settings of the progress domain store.</summary>
public sealed record ProgressOptions
{
    /// <summary>"progress": Marten's tables live apart from the update log's schema.</summary>
    public const string DefaultSchema = "progress";

    /// <summary>PostgreSQL schema of Marten's tables.</summary>
    public string Schema { get; init; } = DefaultSchema;

    /// <summary>
    /// Maps a CRDT document id to its update-log stream id. The Host passes
    /// <c>DocumentStreamId.For</c>; it is a parameter because the mapping belongs to the Host.
    /// </summary>
    public required Func<string, Guid> StreamIdOf { get; init; }

    /// <summary>Clock for domain timestamps (project created, reports).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
