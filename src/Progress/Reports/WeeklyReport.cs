namespace CrdtCollab.Progress.Reports;

/// <summary>
/// The weekly report of one project between two dates (both inclusive, UTC days): what the CSV
/// and PDF exports render. Built from the Marten read models and events by
/// <c>WeeklyReportBuilder</c>, never from the CRDT log.
/// </summary>
public sealed record WeeklyReport
{
    /// <summary>The project's id.</summary>
    public required string ProjectId { get; init; }

    /// <summary>The project's name, for the header.</summary>
    public required string ProjectName { get; init; }

    /// <summary>First day of the period.</summary>
    public required DateOnly From { get; init; }

    /// <summary>Last day of the period.</summary>
    public required DateOnly To { get; init; }

    /// <summary>When the report was made.</summary>
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>The whole project at the start and end of the period.</summary>
    public required ProgressDelta Project { get; init; }

    /// <summary>Every area, in name order.</summary>
    public required IReadOnlyList<ProgressDelta> Areas { get; init; }

    /// <summary>Every drawing whose progress changed in the period, in drawing order.</summary>
    public required IReadOnlyList<ProgressDelta> Drawings { get; init; }

    /// <summary>The drawings that moved most (by absolute delta), largest first.</summary>
    public required IReadOnlyList<ProgressDelta> BiggestMovers { get; init; }

    /// <summary>Changes per user, most active first.</summary>
    public required IReadOnlyList<UserActivity> Users { get; init; }

    /// <summary>The changes of the period, newest first (at most <see cref="ChangeCount"/>).</summary>
    public required IReadOnlyList<ReportChange> Changes { get; init; }

    /// <summary>How many changes the period had in all, listed or not.</summary>
    public required int ChangeCount { get; init; }

    /// <summary>The stall threshold N: components unchanged for at least this many days are listed.</summary>
    public required int StalledDays { get; init; }

    /// <summary>Stalled components, longest stalled first.</summary>
    public required IReadOnlyList<StalledComponent> Stalled { get; init; }

    /// <summary>How many components are stalled in all, listed or not.</summary>
    public required int StalledCount { get; init; }

    /// <summary>The project's progress per day, oldest first, for the chart.</summary>
    public required IReadOnlyList<ProgressPoint> History { get; init; }
}
