namespace CrdtCollab.Progress.Domain;

/// <summary>How a milestone is recorded.</summary>
public enum MilestoneKind
{
    /// <summary>Done or not: 0 or 100.</summary>
    Checkbox = 0,

    /// <summary>Partial: any percent from 0 to 100.</summary>
    Percent = 1,
}
