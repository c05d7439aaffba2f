namespace CrdtCollab.EventStore;

/// <summary>An event as stored in the log.</summary>
public sealed record StoredEvent
{
    /// <summary>Position in the global log; increasing, with gaps where transactions rolled back.</summary>
    public required long GlobalPosition { get; init; }

    /// <summary>The stream (document) the event belongs to.</summary>
    public required Guid StreamId { get; init; }

    /// <summary>1-based, gap-free version within the stream.</summary>
    public required long StreamVersion { get; init; }

    /// <summary>Short type name.</summary>
    public required string EventType { get; init; }

    /// <summary>The event body.</summary>
    public required byte[] Payload { get; init; }

    /// <summary>When the event was appended (the store's <see cref="TimeProvider"/>).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The user who produced it, if known.</summary>
    public string? UserId { get; init; }

    /// <summary>The Yjs client id, if known.</summary>
    public long? ClientId { get; init; }

    /// <summary>Correlation id, if any.</summary>
    public Guid? CorrelationId { get; init; }

    /// <summary>Causation id, if any.</summary>
    public Guid? CausationId { get; init; }

    /// <summary>The client-supplied idempotency id, if any.</summary>
    public Guid? UpdateId { get; init; }

    /// <summary>The PostgreSQL transaction id (<c>xid8</c>) that wrote the event; 0 when not yet known (inline projections).</summary>
    public ulong TransactionId { get; init; }
}
