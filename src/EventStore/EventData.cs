namespace CrdtCollab.EventStore;

/// <summary>One event to append: a Yjs update (or any opaque bytes) plus its metadata.</summary>
public sealed record EventData
{
    /// <summary>Creates an event with the given type and payload.</summary>
    /// <param name="eventType">Short type name, e.g. <c>"update"</c>.</param>
    /// <param name="payload">The event body, stored as <c>bytea</c> unchanged.</param>
    public EventData(string eventType, byte[] payload)
    {
        EventType = eventType;
        Payload = payload;
    }

    /// <summary>Short type name, e.g. <c>"update"</c>; at most <see cref="EventStoreOptions.MaxEventTypeLength"/> characters.</summary>
    public string EventType { get; }

    /// <summary>The event body; at most <see cref="EventStoreOptions.MaxPayloadBytes"/> bytes.</summary>
    public byte[] Payload { get; }

    /// <summary>
    /// Client-supplied id of this update. A retried append whose events carry ids that are
    /// already stored in the stream writes nothing and returns the original positions.
    /// </summary>
    public Guid? UpdateId { get; init; }

    /// <summary>The authenticated user who produced the event.</summary>
    public string? UserId { get; init; }

    /// <summary>The Yjs client id of the producing document replica.</summary>
    public long? ClientId { get; init; }

    /// <summary>Correlates events that belong to one user action or request.</summary>
    public Guid? CorrelationId { get; init; }

    /// <summary>The event or command that caused this one.</summary>
    public Guid? CausationId { get; init; }
}
