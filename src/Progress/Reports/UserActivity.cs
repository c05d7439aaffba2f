namespace CrdtCollab.Progress.Reports;

/// <summary>Who changed what: one user's milestone changes in the period.</summary>
public sealed record UserActivity(string User, int Changes, int Drawings, int Components);
