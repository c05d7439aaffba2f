namespace CrdtCollab.Progress.Reports;

/// <summary>One milestone change in the period, as the report lists it.</summary>
public sealed record ReportChange(DateTimeOffset At, string User, string Drawing, string Component, string Milestone, double From, double To);
