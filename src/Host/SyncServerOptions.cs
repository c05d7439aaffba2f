using System.ComponentModel.DataAnnotations;

namespace CrdtCollab.Host;

/// <summary>The sync server's settings, bound from the <c>Sync</c> configuration section.</summary>
public sealed class SyncServerOptions
{
    public const string Section = "Sync";

    /// <summary>PostgreSQL schema of the event store and the document catalog.</summary>
    [Required, RegularExpression("^[a-z_][a-z0-9_]{0,62}$")]
    public string Schema { get; set; } = "crdt_events";

    /// <summary>Where the embedded PostgreSQL keeps its data when no connection string is set.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>A flush happens at this many pending updates… (the seeds' figure).</summary>
    [Range(1, 100_000)]
    public int FlushMaxUpdates { get; set; } = 100;

    /// <summary>…or this long after the first pending one, whichever comes first.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Flushes committed at the same time. One at a time caps throughput at batch size ÷
    /// (window + commit time); overlapping commits keep acks exact because a document acks in
    /// sequence order whatever order its batches commit in (<c>LiveDocument.MarkCommitted</c>).
    /// Within a flush a document's updates are stored in order; across overlapping flushes the
    /// log may hold them in another order, which a CRDT replay does not notice.
    /// </summary>
    [Range(1, 64)]
    public int ConcurrentCommits { get; set; } = 4;

    /// <summary>The intake bus: <c>wolverine</c> (the default) or <c>channel</c> (a bare Channel batcher, for comparison).</summary>
    [RegularExpression("^(wolverine|channel)$")]
    public string Batcher { get; set; } = "wolverine";

    /// <summary>
    /// Accepted but uncommitted updates the server holds at most. Past it (PostgreSQL down or slow),
    /// new updates are refused with <c>not-saved</c>; the clients keep them and re-send on resync.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxBacklogUpdates { get; set; } = 50_000;

    /// <summary>
    /// The largest single update (or WebSocket message) accepted. 1 MiB holds a long document's
    /// first sync; a bigger offline backlog is refused with <c>too-large</c> rather than buffered.
    /// </summary>
    [Range(1024, 512 * 1024 * 1024)]
    public int MaxUpdateBytes { get; set; } = 1024 * 1024;

    /// <summary>A live document refuses updates past this size (loaded plus accepted bytes).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxDocumentBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>At most this many documents in memory; idle ones are evicted first to make room.</summary>
    [Range(1, 1_000_000)]
    public int MaxLiveDocuments { get; set; } = 10_000;

    /// <summary>How long a document with no connections stays in memory.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A snapshot is written after this many committed updates of one document (and on eviction).</summary>
    [Range(1, 1_000_000)]
    public int SnapshotEvery { get; set; } = 500;

    /// <summary>Outgoing messages queued per connection before it counts as too slow and is closed.</summary>
    [Range(16, 1_000_000)]
    public int MaxQueuedMessagesPerConnection { get; set; } = 10_000;

    /// <summary>On shutdown, how long to wait for the pending batch to commit.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShutdownFlushTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>After the shutdown flush, how long the released acks get to reach their clients.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan AckGracePeriod { get; set; } = TimeSpan.FromMilliseconds(500);
}
