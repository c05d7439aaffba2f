namespace CrdtCollab.Progress.Domain;

/// <summary>A weekly (or any period's) progress report was issued.</summary>
/// <param name="ProjectId">Project.</param>
/// <param name="ReportId">Stable id of the report.</param>
/// <param name="From">First day covered (inclusive).</param>
/// <param name="To">Last day covered (inclusive).</param>
/// <param name="Format">"csv", "pdf"...</param>
/// <param name="User">Who issued it.</param>
/// <param name="At">When.</param>
public sealed record ReportIssued(string ProjectId, string ReportId, DateOnly From, DateOnly To, string Format, string? User, DateTimeOffset At);
