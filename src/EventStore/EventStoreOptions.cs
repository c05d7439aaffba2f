namespace CrdtCollab.EventStore;

/// <summary>Settings of a <see cref="PostgresEventStore"/>. Defaults are named constants with their reason.</summary>
public sealed record EventStoreOptions
{
    /// <summary>Default schema; one schema holds one event store.</summary>
    public const string DefaultSchema = "crdt_events";

    /// <summary>8 MiB: far above a pasted document's update, far below PostgreSQL's 1 GiB field limit.</summary>
    public const int DefaultMaxPayloadBytes = 8 * 1024 * 1024;

    /// <summary>100,000 events: a batch is one statement and one transaction; keep its memory bounded.</summary>
    public const int DefaultMaxBatchEvents = 100_000;

    /// <summary>256 MiB: a batch travels as one protocol message, which PostgreSQL caps at 1 GiB.</summary>
    public const long DefaultMaxBatchBytes = 256L * 1024 * 1024;

    /// <summary>Event type names are identifiers, not data.</summary>
    public const int MaxEventTypeLength = 200;

    /// <summary>User, tenant and project ids are identifiers, not data.</summary>
    public const int MaxIdentifierLength = 200;

    /// <summary>Schema name (lower-case letters, digits, underscore; at most 40 characters so derived names fit PostgreSQL's 63).</summary>
    public string Schema { get; init; } = DefaultSchema;

    /// <summary>Largest accepted payload of one event.</summary>
    public int MaxPayloadBytes { get; init; } = DefaultMaxPayloadBytes;

    /// <summary>Largest number of events in one batch.</summary>
    public int MaxBatchEvents { get; init; } = DefaultMaxBatchEvents;

    /// <summary>Largest total payload of one batch.</summary>
    public long MaxBatchBytes { get; init; } = DefaultMaxBatchBytes;

    /// <summary>Default of <see cref="CopyAppendThreshold"/>.</summary>
    public const int DefaultCopyAppendThreshold = 64;

    /// <summary>
    /// Batches with at least this many events are written by binary COPY after a reservation call
    /// (two round trips, rows inserted a page at a time); smaller ones by one function call (one
    /// round trip, rows inserted one by one). Both give the same results and guarantees.
    /// </summary>
    public int CopyAppendThreshold { get; init; } = DefaultCopyAppendThreshold;

    /// <summary>Projections run in the append's transaction, in this order.</summary>
    public IReadOnlyList<IInlineProjection> InlineProjections { get; init; } = [];

    /// <summary>Clock for event timestamps; injectable so time-based logic is testable.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
