namespace CrdtCollab.Progress.Projections;

/// <summary>Counts of one milestone across the components of a drawing or a rollup.</summary>
public sealed class MilestoneCount
{
    /// <summary>Components whose template has the milestone.</summary>
    public int Total { get; set; }

    /// <summary>Components with the milestone at 100.</summary>
    public int Complete { get; set; }

    /// <summary>Components with the milestone strictly between 0 and 100.</summary>
    public int InProgress { get; set; }
}
