using CrdtCollab.Progress.Reports;

namespace CrdtCollab.Integration.Tests.Progress;

/// <summary>A weekly report with made-up but consistent content, for the export tests.</summary>
internal static class ReportSamples
{
    public static WeeklyReport Make(int drawings, string projectName = "North Unit Revamp", string? hostileTitle = null)
    {
        var from = new DateOnly(2026, 11, 23);
        var to = new DateOnly(2026, 11, 29);
        var rows = Enumerable.Range(0, drawings).Select(i => new ProgressDelta(
            $"P-{1000 + i}", i == 0 && hostileTitle is not null ? hostileTitle : $"Line {i} piping", $"A{i % 4}", i % 50, i % 50 + (i % 7) - 1)).ToList();
        var changes = Enumerable.Range(0, 40).Select(i => new ReportChange(
            new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero).AddMinutes(i * 37), i % 2 == 0 ? "alice" : "bob",
            $"P-{1000 + i}", $"W-{i}", "Erect", 0, 100)).ToList();
        return new WeeklyReport
        {
            ProjectId = "north-unit",
            ProjectName = projectName,
            From = from,
            To = to,
            GeneratedAt = new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero),
            Project = new ProgressDelta("north-unit", projectName, "", 31.5, 36.25),
            Areas = Enumerable.Range(0, 4).Select(a => new ProgressDelta($"A{a}", $"A{a}", $"A{a}", 30 + a, 33 + a * 1.5)).ToList(),
            Drawings = rows,
            BiggestMovers = rows.OrderByDescending(r => Math.Abs(r.Delta)).Take(10).ToList(),
            Users = [new UserActivity("alice", 20, 20, 20), new UserActivity("bob", 20, 20, 20)],
            Changes = changes,
            ChangeCount = changes.Count,
            StalledDays = 7,
            Stalled = [new StalledComponent("P-1003", "S-9", "spool", 50, new DateTimeOffset(2026, 11, 10, 9, 0, 0, TimeSpan.Zero), 19)],
            StalledCount = 1,
            History = Enumerable.Range(0, 28).Select(d => new ProgressPoint(from.AddDays(d - 21), 20 + d * 0.6)).ToList(),
        };
    }
}
