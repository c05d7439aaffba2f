namespace CrdtCollab.Progress.Domain;

/// <summary>
/// The milestone template of a component type was defined. Redefining it re-weighs every
/// component of that type: the projection recomputes the project's progress.
/// </summary>
public sealed record MilestoneTemplateDefined(string ProjectId, string ComponentType, IReadOnlyList<MilestoneDefinition> Milestones);
