namespace CrdtCollab.Progress.Domain;

/// <summary>One milestone of a component type's template: its name, its weight and how it is recorded.</summary>
/// <param name="Name">Key of the milestone in the drawing document (e.g. "Erect").</param>
/// <param name="Weight">Relative weight; a component's progress is the weighted mean of its milestones.</param>
/// <param name="Kind">Checkbox (0/100) or percent (0–100).</param>
public sealed record MilestoneDefinition(string Name, double Weight, MilestoneKind Kind);
