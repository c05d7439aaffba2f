namespace CrdtCollab.Progress.Reports;

/// <summary>A started but unfinished component whose milestones have not moved for <see cref="Days"/> days at the end of the period.</summary>
public sealed record StalledComponent(string Drawing, string Component, string Type, double Percent, DateTimeOffset? LastChange, int Days);
