namespace CrdtCollab.EventStore;

/// <summary>Events to append to one stream (one document), with the version the caller expects.</summary>
public sealed record AppendRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="streamId">The document's stream id.</param>
    /// <param name="expectedVersion">The concurrency check to apply.</param>
    /// <param name="events">At least one event, appended in order.</param>
    public AppendRequest(Guid streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events)
    {
        StreamId = streamId;
        ExpectedVersion = expectedVersion;
        Events = events;
    }

    /// <summary>The document's stream id.</summary>
    public Guid StreamId { get; }

    /// <summary>The concurrency check to apply.</summary>
    public ExpectedVersion ExpectedVersion { get; }

    /// <summary>The events, appended in this order with consecutive stream versions.</summary>
    public IReadOnlyList<EventData> Events { get; }

    /// <summary>Tenant recorded when the stream is created; ignored for an existing stream.</summary>
    public string? TenantId { get; init; }

    /// <summary>Project recorded when the stream is created; ignored for an existing stream.</summary>
    public string? ProjectId { get; init; }
}
