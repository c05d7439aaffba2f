namespace CrdtCollab.Progress.Projections;

/// <summary>Read model of one drawing: its components, their milestone values and the drawing's progress (id = drawing document id).</summary>
public sealed class DrawingProgress
{
    /// <summary>The drawing's CRDT document id (<see cref="Documents.DrawingDocumentIds"/>).</summary>
    public string Id { get; set; } = "";

    /// <summary>Project.</summary>
    public string ProjectId { get; set; } = "";

    /// <summary>Drawing.</summary>
    public string DrawingId { get; set; } = "";

    /// <summary>Title.</summary>
    public string Title { get; set; } = "";

    /// <summary>Area.</summary>
    public string AreaId { get; set; } = "";

    /// <summary>System.</summary>
    public string SystemId { get; set; } = "";

    /// <summary>Components by id.</summary>
    public Dictionary<string, ComponentState> Components { get; set; } = [];

    /// <summary>Earned weight of all components.</summary>
    public double Earned { get; set; }

    /// <summary>Total weight of all components.</summary>
    public double Total { get; set; }

    /// <summary>Earned / total × 100 (0 when there is no weight).</summary>
    public double Percent { get; set; }

    /// <summary>Counts per milestone name.</summary>
    public Dictionary<string, MilestoneCount> Milestones { get; set; } = [];

    /// <summary>Milestone changes applied so far.</summary>
    public long Changes { get; set; }

    /// <summary>When the last milestone changed.</summary>
    public DateTimeOffset? LastChangedAt { get; set; }

    /// <summary>Who made the last change.</summary>
    public string? LastChangedBy { get; set; }
}
