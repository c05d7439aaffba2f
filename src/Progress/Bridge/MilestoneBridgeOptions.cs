namespace CrdtCollab.Progress.Bridge;

/// <summary>Settings of the <see cref="MilestoneBridge"/>.</summary>
public sealed record MilestoneBridgeOptions
{
    /// <summary>"progress_bridge": keys the bridge's checkpoint and leader lock in the update log.</summary>
    public const string DefaultName = "progress_bridge";

    /// <summary>
    /// 5,000 drawings: a cached replica of a drawing is a few kilobytes, so the cache stays within
    /// tens of megabytes on a project ten times the sample; a miss costs one read of the drawing's log.
    /// </summary>
    public const int DefaultMaxCachedDrawings = 5_000;

    /// <summary>The projection name.</summary>
    public string Name { get; init; } = DefaultName;

    /// <summary>Most drawing replicas kept in memory; the least recently used go first.</summary>
    public int MaxCachedDrawings { get; init; } = DefaultMaxCachedDrawings;
}
