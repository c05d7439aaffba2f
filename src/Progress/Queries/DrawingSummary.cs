namespace CrdtCollab.Progress.Queries;

/// <summary>A drawing's progress without its components (list views).</summary>
public sealed class DrawingSummary
{
    /// <summary>Drawing id.</summary>
    public string DrawingId { get; set; } = "";

    /// <summary>The CRDT document id to open for editing.</summary>
    public string DocumentId { get; set; } = "";

    /// <summary>Title.</summary>
    public string Title { get; set; } = "";

    /// <summary>Area.</summary>
    public string AreaId { get; set; } = "";

    /// <summary>System.</summary>
    public string SystemId { get; set; } = "";

    /// <summary>Earned weight.</summary>
    public double Earned { get; set; }

    /// <summary>Total weight.</summary>
    public double Total { get; set; }

    /// <summary>Percent complete.</summary>
    public double Percent { get; set; }

    /// <summary>Milestone changes so far.</summary>
    public long Changes { get; set; }

    /// <summary>Last change.</summary>
    public DateTimeOffset? LastChangedAt { get; set; }
}
