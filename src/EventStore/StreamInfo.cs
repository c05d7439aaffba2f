namespace CrdtCollab.EventStore;

/// <summary>A stream's head row.</summary>
public sealed record StreamInfo
{
    /// <summary>The stream.</summary>
    public required Guid StreamId { get; init; }

    /// <summary>Version of the stream's last event.</summary>
    public required long Version { get; init; }

    /// <summary>Tenant given when the stream was created.</summary>
    public string? TenantId { get; init; }

    /// <summary>Project given when the stream was created.</summary>
    public string? ProjectId { get; init; }

    /// <summary>When the first event was appended.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the last event was appended.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
