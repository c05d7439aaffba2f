namespace CrdtCollab.EventStore;

/// <summary>Settings of document versions. Defaults are named constants with their reason.</summary>
public sealed record DocumentVersionsOptions
{
    /// <summary>5 minutes: long enough to mean "the author stepped away", short enough to catch sessions.</summary>
    public static readonly TimeSpan DefaultIdleGap = TimeSpan.FromMinutes(5);

    /// <summary>500 updates: a few minutes of typing; bounds how far back a rebuild of any version reaches.</summary>
    public const int DefaultEveryUpdates = 500;

    /// <summary>Restoring retries this often when someone appends between load and append.</summary>
    public const int DefaultRestoreAttempts = 5;

    /// <summary>An automatic version is recorded before an update that follows this much silence. Zero disables.</summary>
    public TimeSpan IdleGap { get; init; } = DefaultIdleGap;

    /// <summary>An automatic version is recorded at every multiple of this many updates. Zero disables.</summary>
    public int EveryUpdates { get; init; } = DefaultEveryUpdates;

    /// <summary>The document's roots and their types, for JSON views and restore.</summary>
    public IReadOnlyDictionary<string, DocumentRootKind> Roots { get; init; } = new Dictionary<string, DocumentRootKind>();

    /// <summary>How a version's updates are merged into one; the CRDT engine's merge by default.</summary>
    public ISnapshotMerger Merger { get; init; } = YUpdateSnapshotMerger.Instance;

    /// <summary>Attempts for a restore racing with concurrent appends.</summary>
    public int RestoreAttempts { get; init; } = DefaultRestoreAttempts;
}
