namespace CrdtCollab.Progress.Reports;

/// <summary>The project's progress at the end of one day, for the progress-over-time chart.</summary>
public sealed record ProgressPoint(DateOnly Date, double Percent);
