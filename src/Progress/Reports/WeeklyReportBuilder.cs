using CrdtCollab.Progress.Domain;
using CrdtCollab.Progress.Projections;
using Marten;

namespace CrdtCollab.Progress.Reports;

/// <summary>
/// Builds a <see cref="WeeklyReport"/> from Marten alone: the daily history read model gives
/// every drawing's, area's and the project's progress at the end of any day (the last row on or
/// before it; no row means nothing was earned yet, since only milestone changes earn), the
/// <see cref="MilestoneProgressChanged"/> events of the period say who changed what, and the
/// drawing read models give each component's current state for the stalled list. Nothing is
/// recomputed from the CRDT log.
/// </summary>
public sealed class WeeklyReportBuilder
{
    /// <summary>The longest period a report covers.</summary>
    public const int MaxDays = 366;

    /// <summary>Drawings in the biggest-movers table.</summary>
    public const int MoverCount = 10;

    /// <summary>Days of history the chart shows before the period ends (at least the period itself).</summary>
    public const int ChartDays = 56;

    private readonly IDocumentStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates the builder over the progress store.</summary>
    public WeeklyReportBuilder(IDocumentStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>The report of <paramref name="projectId"/> from <paramref name="from"/> to <paramref name="to"/> (UTC days, inclusive), or null when there is no such project.</summary>
    public async Task<WeeklyReport?> BuildAsync(string projectId, DateOnly from, DateOnly to, int stalledDays, CancellationToken ct)
    {
        if (to < from || to.DayNumber - from.DayNumber >= MaxDays)
        {
            throw new ArgumentOutOfRangeException(nameof(to), $"the period runs from 'from' to 'to', at most {MaxDays} days");
        }
        await using var session = _store.QuerySession();
        var project = await session.LoadAsync<ProjectSetup>(projectId, ct).ConfigureAwait(false);
        if (project is null)
        {
            return null;
        }
        var before = from.AddDays(-1);
        var chartFrom = DateOnly.FromDayNumber(Math.Min(from.DayNumber, to.DayNumber - ChartDays + 1));

        // One indexed query for every daily row up to the period's end; per scope, the rows are in day order.
        var rows = await session.Query<DailyProgress>()
            .Where(d => d.ProjectId == projectId && d.Day <= to)
            .OrderBy(d => d.Day)
            .ToListAsync(ct).ConfigureAwait(false);
        var byScope = rows.GroupBy(r => (r.Kind, r.Key)).ToDictionary(g => g.Key, g => g.ToList());

        var drawings = await session.Query<DrawingProgress>().Where(d => d.ProjectId == projectId).OrderBy(d => d.DrawingId).ToListAsync(ct).ConfigureAwait(false);
        var changedDrawings = new List<ProgressDelta>();
        foreach (var d in drawings)
        {
            if (byScope.TryGetValue((RollupKind.Drawing, d.DrawingId), out var history) && history.Any(r => r.Day >= from))
            {
                changedDrawings.Add(new ProgressDelta(d.DrawingId, d.Title, d.AreaId, PercentAt(history, before), PercentAt(history, to)));
            }
        }
        var areas = project.Areas.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a =>
        {
            var history = byScope.GetValueOrDefault((RollupKind.Area, a.Key)) ?? [];
            return new ProgressDelta(a.Key, a.Value, a.Key, PercentAt(history, before), PercentAt(history, to));
        }).ToList();
        var projectHistory = byScope.GetValueOrDefault((RollupKind.Project, projectId)) ?? [];

        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var changes = await session.Events.QueryRawEventDataOnly<MilestoneProgressChanged>()
            .Where(e => e.ProjectId == projectId && e.At >= start && e.At < end)
            .ToListAsync(ct).ConfigureAwait(false);
        var users = changes.GroupBy(c => c.User ?? "(unknown)", StringComparer.Ordinal)
            .Select(g => new UserActivity(g.Key, g.Count(), g.Select(c => c.DrawingId).Distinct(StringComparer.Ordinal).Count(),
                g.Select(c => (c.DrawingId, c.ComponentId)).Distinct().Count()))
            .OrderByDescending(u => u.Changes).ThenBy(u => u.User, StringComparer.Ordinal)
            .ToList();

        var stalled = Stalled(drawings, to, stalledDays);
        return new WeeklyReport
        {
            ProjectId = projectId,
            ProjectName = project.Name,
            From = from,
            To = to,
            GeneratedAt = _time.GetUtcNow(),
            Project = new ProgressDelta(projectId, project.Name, "", PercentAt(projectHistory, before), PercentAt(projectHistory, to)),
            Areas = areas,
            Drawings = changedDrawings,
            BiggestMovers = [.. changedDrawings.Where(d => d.Delta != 0).OrderByDescending(d => Math.Abs(d.Delta)).ThenBy(d => d.Key, StringComparer.Ordinal).Take(MoverCount)],
            Users = users,
            Changes = [.. changes.OrderByDescending(c => c.At).ThenByDescending(c => c.SourcePosition)
                .Select(c => new ReportChange(c.At, c.User ?? "(unknown)", c.DrawingId, c.ComponentId, c.Milestone, c.From, c.To))],
            ChangeCount = changes.Count,
            StalledDays = stalledDays,
            Stalled = stalled,
            StalledCount = stalled.Count,
            History = Daily(projectHistory, chartFrom, to),
        };
    }

    /// <summary>Progress at the end of <paramref name="day"/>: the last row on or before it, else 0.</summary>
    private static double PercentAt(List<DailyProgress> history, DateOnly day)
    {
        DailyProgress? last = null;
        foreach (var row in history)
        {
            if (row.Day > day)
            {
                break;
            }
            last = row;
        }
        return last is null ? 0 : ProgressApplier.Percent(last.Earned, last.Total);
    }

    /// <summary>One point per day from <paramref name="from"/> to <paramref name="to"/>, carrying a value over days without a change.</summary>
    private static List<ProgressPoint> Daily(List<DailyProgress> history, DateOnly from, DateOnly to)
    {
        if (history.Count == 0)
        {
            return [];
        }
        // The chart starts where the history does, when that is later than the chart's window.
        var first = DateOnly.FromDayNumber(Math.Max(from.DayNumber, history[0].Day.DayNumber));
        var points = new List<ProgressPoint>(to.DayNumber - first.DayNumber + 1);
        for (var day = first; day <= to; day = day.AddDays(1))
        {
            points.Add(new ProgressPoint(day, PercentAt(history, day)));
        }
        return points;
    }

    /// <summary>Started, unfinished components with no change in the <paramref name="days"/> days up to <paramref name="to"/>, longest stalled first.</summary>
    private static List<StalledComponent> Stalled(IEnumerable<DrawingProgress> drawings, DateOnly to, int days)
    {
        var endOfPeriod = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var cutoff = endOfPeriod.AddDays(-days);
        var stalled = new List<StalledComponent>();
        foreach (var d in drawings)
        {
            foreach (var (id, c) in d.Components)
            {
                if (c.Total <= 0 || c.Earned <= 0 || c.Earned >= c.Total || c.LastChangedAt is not { } last || last > cutoff)
                {
                    continue;
                }
                stalled.Add(new StalledComponent(d.DrawingId, id, c.Type, c.Earned / c.Total * 100, last, (int)(endOfPeriod - last).TotalDays));
            }
        }
        return [.. stalled.OrderByDescending(s => s.Days).ThenBy(s => s.Drawing, StringComparer.Ordinal).ThenBy(s => s.Component, StringComparer.Ordinal)];
    }
}
