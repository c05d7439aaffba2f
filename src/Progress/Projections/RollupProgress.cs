namespace CrdtCollab.Progress.Projections;

/// <summary>Progress of a project, area, system or test package (id = <see cref="RollupKind.RollupId"/>).</summary>
public sealed class RollupProgress
{
    /// <summary><c>{projectId}:{kind}:{key}</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>Project.</summary>
    public string ProjectId { get; set; } = "";

    /// <summary>One of <see cref="RollupKind"/>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>Area/system/test package id, or the project id.</summary>
    public string Key { get; set; } = "";

    /// <summary>Earned weight.</summary>
    public double Earned { get; set; }

    /// <summary>Total weight.</summary>
    public double Total { get; set; }

    /// <summary>Earned / total × 100.</summary>
    public double Percent { get; set; }

    /// <summary>Number of components.</summary>
    public int Components { get; set; }

    /// <summary>Counts per milestone name.</summary>
    public Dictionary<string, MilestoneCount> Milestones { get; set; } = [];

    /// <summary>Milestone changes applied so far.</summary>
    public long Changes { get; set; }

    /// <summary>When the last milestone changed.</summary>
    public DateTimeOffset? LastChangedAt { get; set; }
}
