using CrdtCollab.Progress;
using CrdtCollab.Progress.Domain;
using CrdtCollab.Progress.Reports;
using Marten;
using Xunit;

namespace CrdtCollab.Integration.Tests.Progress;

/// <summary>
/// Given milestone events (appended through Marten, so the inline projection builds the read
/// models the report reads), the weekly report has the expected deltas, people and stalled
/// components; and its PDF, read back with pdftotext, shows the changed drawing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WeeklyReportBuilderTests(PostgresFixture pg) : IDisposable
{
    private static readonly DateOnly From = new(2026, 11, 23);
    private static readonly DateOnly To = new(2026, 11, 29);
    private readonly string _dir = Directory.CreateTempSubdirectory("crdtcollab-weekly-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task ChangeAsync(DocumentStore store, string drawing, string component, string milestone, double from, double to, string user, DateTimeOffset at)
    {
        await using var session = store.LightweightSession();
        session.Events.Append(ProgressIds.DrawingStream("plant-1", drawing), new MilestoneProgressChanged("plant-1", drawing, component, milestone, from, to, user, at, 0));
        await session.SaveChangesAsync();
    }

    private static DateTimeOffset Day(int month, int day, int hour = 9) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Deltas_people_movers_and_stalled_components_come_from_the_events_and_daily_history()
    {
        await using var store = await ProgressTestKit.NewStoreAsync(pg.DataSource, "pweekly");
        var commands = new ProgressCommands(store);
        await commands.CreateProjectAsync("plant-1", "Plant One", "alice");
        // D-00 and D-02 are in A0, D-01 and D-03 in A1; C0 is a spool (Receive 10, Erect 40, Connect 40, Punch 5, Test 5).
        await commands.ImportAsync("plant-1",
            [new("D-00", "Drawing 0", "A0", "S0"), new("D-01", "Drawing 1", "A1", "S0"), new("D-02", "Drawing 2", "A0", "S1"), new("D-03", "Drawing 3", "A1", "S1")],
            [new("D-00", "C0", "spool", null, null), new("D-01", "C0", "spool", null, null), new("D-02", "C0", "spool", null, null), new("D-03", "C0", "spool", null, null)]);

        await ChangeAsync(store, "D-00", "C0", "Receive", 0, 100, "alice", Day(11, 10));   // before the period: stalls at 10 %
        await ChangeAsync(store, "D-01", "C0", "Receive", 0, 100, "alice", Day(11, 20));   // before the period
        await ChangeAsync(store, "D-01", "C0", "Erect", 0, 50, "bob", Day(11, 24));        // in it: D-01 10 % → 30 %
        await ChangeAsync(store, "D-02", "C0", "Receive", 0, 100, "bob", Day(11, 25));     // D-02 0 → 10 %
        await ChangeAsync(store, "D-02", "C0", "Erect", 0, 100, "carol", Day(11, 26, 15)); // D-02 → 50 %
        await ChangeAsync(store, "D-03", "C0", "Receive", 0, 100, "bob", Day(12, 1));      // after it: not in the report

        var report = await new WeeklyReportBuilder(store, TimeProvider.System).BuildAsync("plant-1", From, To, stalledDays: 7, CancellationToken.None);
        Assert.NotNull(report);
        Assert.Equal("Plant One", report.ProjectName);
        Assert.Equal([("D-01", 10.0, 30.0), ("D-02", 0.0, 50.0)], report.Drawings.Select(d => (d.Key, d.FromPercent, d.ToPercent)));
        Assert.Equal(["D-02", "D-01"], report.BiggestMovers.Select(d => d.Key));
        // Areas: A0 = D-00 + D-02 (200 weight): 10/200 → 60/200; A1 = D-01 + D-03: 10/200 → 30/200.
        Assert.Equal([("A0", 5.0, 30.0), ("A1", 5.0, 15.0)], report.Areas.Select(a => (a.Key, a.FromPercent, a.ToPercent)));
        Assert.Equal((5.0, 22.5), (report.Project.FromPercent, report.Project.ToPercent));
        Assert.Equal(3, report.ChangeCount);
        Assert.Equal([("bob", 2, 2, 2), ("carol", 1, 1, 1)], report.Users.Select(u => (u.User, u.Changes, u.Drawings, u.Components)));
        Assert.Equal(["Erect", "Receive", "Erect"], report.Changes.Select(c => c.Milestone));
        Assert.Equal("carol", report.Changes[0].User);
        // D-00/C0 last moved on 11-10: 19 full days before the end of 11-29; D-01 moved on 11-24 (under 7 days).
        var stalled = Assert.Single(report.Stalled);
        Assert.Equal(("D-00", "C0", 10.0, 19), (stalled.Drawing, stalled.Component, stalled.Percent, stalled.Days));
        // The chart starts at the first change and has one point per day to the period's end.
        Assert.Equal(new DateOnly(2026, 11, 10), report.History[0].Date);
        Assert.Equal(To, report.History[^1].Date);
        Assert.Equal(22.5, report.History[^1].Percent);
        Assert.Equal(20, report.History.Count);

        var pdf = Path.Combine(_dir, "weekly.pdf");
        await using (var file = File.Create(pdf))
        {
            WeeklyReportPdf.Write(report, file);
        }
        var text = await Poppler.TextAsync(pdf);
        Assert.Contains("Plant One", text, StringComparison.Ordinal);
        Assert.Matches(@"D-02\s+Drawing 2\s+A0\s+0\.0%\s+50\.0%\s+\+50\.0 pts", text);
        var pages = await Poppler.PageCountAsync(pdf);
        Assert.Contains($"Page 1 of {pages}", text, StringComparison.Ordinal);
        Assert.Contains($"Page {pages} of {pages}", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_project_has_no_report_and_a_backwards_period_is_refused()
    {
        await using var store = await ProgressTestKit.NewStoreAsync(pg.DataSource, "pweekly");
        var builder = new WeeklyReportBuilder(store, TimeProvider.System);
        Assert.Null(await builder.BuildAsync("nowhere", From, To, 7, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => builder.BuildAsync("nowhere", To, From, 7, CancellationToken.None));
    }
}
