namespace CrdtCollab.Progress.Projections;

/// <summary>A component inside <see cref="DrawingProgress"/>: what was imported and its milestone values.</summary>
public sealed class ComponentState
{
    /// <summary>Component type (selects the template).</summary>
    public string Type { get; set; } = "";

    /// <summary>Test package, if any.</summary>
    public string? TestPackageId { get; set; }

    /// <summary>Free text.</summary>
    public string? Description { get; set; }

    /// <summary>Milestone name → value (0–100); only milestones of the template, missing ones are 0.</summary>
    public Dictionary<string, double> Milestones { get; set; } = [];

    /// <summary>Earned weight (Σ weight × value / 100).</summary>
    public double Earned { get; set; }

    /// <summary>Total weight of its template.</summary>
    public double Total { get; set; }

    /// <summary>Last milestone change, if any (for "stalled for N days").</summary>
    public DateTimeOffset? LastChangedAt { get; set; }
}
