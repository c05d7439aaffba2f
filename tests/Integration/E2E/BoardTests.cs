using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CrdtCollab.Integration.Tests.Progress;
using CrdtCollab.Integration.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CrdtCollab.Integration.Tests.E2E;

/// <summary>
/// The construction-progress journey in real browsers against a real server: import a CSV on
/// the board, two users tick milestones on one drawing, both see the drawing's and the area's
/// progress move (the CRDT sync → committed update → bridge → Marten read model → REST), and the
/// weekly PDF downloaded afterwards lists the drawing with its change.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BoardTests(PostgresFixture postgres, ITestOutputHelper output)
{
    /// <summary>The target is 1 s; CI's two busy cores get five.</summary>
    private static readonly TimeSpan ProgressBound = TimeSpan.FromSeconds(5);

    private const string Csv =
        """
        drawing,title,area,system,component,type,test_package,description
        P-1001,Cooling water supply header,A-100,CW,SP-1001-01,spool,TP-CW-01,6in CS spool
        P-1001,Cooling water supply header,A-100,CW,FW-1001-01,field-weld,TP-CW-01,6in butt weld
        P-1001,Cooling water supply header,A-100,CW,PS-1001-01,support,,guide shoe
        P-1002,Cooling water return,A-100,CW,SP-1002-01,spool,TP-CW-02,4in CS spool
        P-2001,Steam distribution,A-200,ST,SP-2001-01,spool,TP-ST-01,3in alloy spool

        """;

    [Fact]
    public async Task Two_users_tick_milestones_on_one_drawing_both_see_drawing_and_area_progress_move_and_the_weekly_PDF_has_the_change()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        using (var http = await server.HttpAsync("Alice"))
        {
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/progress/projects", new { id = "north-unit", name = "North Unit Revamp" })).StatusCode);
        }
        await using var browser = await DemoBrowser.LaunchAsync(server.BaseUrl);
        var alice = new BoardPage((await browser.NewUserAsync("Alice")).Page, "Alice");
        var bob = new BoardPage((await browser.NewUserAsync("Bob")).Page, "Bob");

        await alice.GotoAsync("?project=north-unit");
        await alice.ImportAsync("north-unit.csv", Csv);
        await Expect(alice.Page.GetByTestId("import-result")).ToContainTextAsync("5 components added");
        await Expect(alice.Page.Locator("[data-testid=drawing-item]")).ToHaveCountAsync(3);
        await alice.OpenDrawingAsync("P-1001");
        await bob.GotoAsync("?project=north-unit&drawing=P-1001");
        await bob.ExpectDrawingOpenAsync("P-1001");
        Assert.Equal(0, await BoardPage.PercentAsync(alice.DrawingProgress));

        // Alice ticks Receive on the spool: 10 of the drawing's 300 weight, 10 of area A-100's 400.
        var watch = Stopwatch.StartNew();
        await alice.Milestone("SP-1001-01", "Receive").CheckAsync();
        await Expect(bob.Milestone("SP-1001-01", "Receive")).ToBeCheckedAsync();
        var crdt = watch.Elapsed;
        await ExpectPercentAsync(alice.DrawingProgress, 10.0 / 3);
        await ExpectPercentAsync(bob.DrawingProgress, 10.0 / 3);
        await ExpectPercentAsync(bob.AreaProgress, 2.5);
        await ExpectPercentAsync(alice.AreaProgress, 2.5);
        var first = watch.Elapsed;

        // Bob enters 50 % Erect (weight 40) on the same spool: +20 on the drawing.
        watch.Restart();
        await bob.Milestone("SP-1001-01", "Erect").FillAsync("50");
        await bob.Milestone("SP-1001-01", "Erect").DispatchEventAsync("change");
        await Expect(alice.Milestone("SP-1001-01", "Erect")).ToHaveValueAsync("50");
        await ExpectPercentAsync(alice.DrawingProgress, 30.0 / 3);
        await ExpectPercentAsync(alice.AreaProgress, 7.5);
        await ExpectPercentAsync(bob.DrawingProgress, 10.0);
        var second = watch.Elapsed;
        output.WriteLine($"tick seen by the other browser {crdt.TotalMilliseconds:F0} ms; drawing+area progress on both: {first.TotalMilliseconds:F0} ms, then {second.TotalMilliseconds:F0} ms");
        Assert.True(first < ProgressBound && second < ProgressBound, $"progress took {first} and {second}");

        // The weekly PDF, downloaded from the board afterwards, lists P-1001 and who changed it.
        await alice.Page.GetByTestId("back-to-project").ClickAsync();
        var download = await alice.Page.RunAndWaitForDownloadAsync(() => alice.Page.GetByTestId("report-pdf").ClickAsync());
        var dir = Directory.CreateTempSubdirectory("crdtcollab-board-").FullName;
        try
        {
            var pdf = Path.Combine(dir, "weekly.pdf");
            await download.SaveAsAsync(pdf);
            Assert.EndsWith(".pdf", download.SuggestedFilename, StringComparison.Ordinal);
            var text = await Poppler.TextAsync(pdf);
            Assert.Contains("North Unit Revamp", text, StringComparison.Ordinal);
            Assert.Matches(new Regex(@"P-1001\s+Cooling water supply header\s+A-100\s+0\.0%\s+10\.0%\s+\+10\.0 pts"), text);
            Assert.Matches(new Regex(@"Bob\s+1\s+1\s+1", RegexOptions.IgnoreCase), text);
            Assert.Matches(new Regex(@"Alice\s+1\s+1\s+1", RegexOptions.IgnoreCase), text);
            Assert.Contains("Page 1 of", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        Assert.Empty(alice.Errors);
        Assert.Empty(bob.Errors);
    }

    [Fact]
    public async Task A_rejected_CSV_shows_its_row_errors_on_the_board_and_imports_nothing()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        using (var http = await server.HttpAsync("Alice"))
        {
            await http.PostAsJsonAsync("/api/progress/projects", new { id = "bad-csv", name = "Bad CSV" });
        }
        await using var browser = await DemoBrowser.LaunchAsync(server.BaseUrl);
        var alice = new BoardPage((await browser.NewUserAsync("Alice")).Page, "Alice");
        await alice.GotoAsync("?project=bad-csv");
        await alice.ImportAsync("bad.csv", "drawing,title,area,system,component,type\nP-1,One,A,S,C-1,spool\nP-1,One,A,S,C-2,=1+1\n", expectedPhase: "rejected");
        await Expect(alice.Page.GetByTestId("import-result")).ToContainTextAsync("nothing stored");
        await Expect(alice.Page.GetByTestId("import-errors")).ToContainTextAsync("formula");
        await Expect(alice.Page.Locator("[data-testid=drawing-item]")).ToHaveCountAsync(0);
        Assert.Empty(alice.Errors);
    }

    private static async Task ExpectPercentAsync(Microsoft.Playwright.ILocator bar, double expected) =>
        await Expect(bar).ToHaveAttributeAsync("data-percent", expected.ToString("F3", System.Globalization.CultureInfo.InvariantCulture),
            new() { Timeout = (float)ProgressBound.TotalMilliseconds });
}
