using System.Text;
using CrdtCollab.Progress;
using CrdtCollab.Progress.Domain;
using CrdtCollab.Progress.Import;
using CrdtCollab.Progress.Projections;
using CrdtCollab.Progress.Queries;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace CrdtCollab.Integration.Tests.Progress;

/// <summary>The two-pass import against a real Marten store: all or nothing on errors, idempotent, chunked.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ImportRunnerTests(PostgresFixture pg) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("crdtcollab-import-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed record Kit(DocumentStore Store, ProgressCommands Commands, ProgressQueries Queries, ImportRunner Runner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Store.DisposeAsync();
    }

    private async Task<Kit> NewProjectAsync(string projectId = "plant-1")
    {
        var store = await ProgressTestKit.NewStoreAsync(pg.DataSource, "pimport");
        var commands = new ProgressCommands(store);
        var queries = new ProgressQueries(store);
        await commands.CreateProjectAsync(projectId, "Plant 1", "alice");
        return new Kit(store, commands, queries, new ImportRunner(commands, queries, new ImportLimits { ChunkRows = 5000 }, NullLogger<ImportRunner>.Instance));
    }

    private async Task<ImportStatus> ImportAsync(Kit kit, string csv, string projectId = "plant-1")
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".csv");
        await File.WriteAllTextAsync(path, csv, new UTF8Encoding(false));
        var job = new ImportJob(projectId, "alice", "test.csv", path, new FileInfo(path).Length, 100, TimeProvider.System);
        await kit.Runner.RunAsync(job, CancellationToken.None);
        return job.Snapshot();
    }

    private static async Task<long> ProjectVersionAsync(Kit kit, string projectId = "plant-1")
    {
        await using var session = kit.Store.QuerySession();
        return (await session.Events.FetchStreamStateAsync(ProgressIds.ProjectStream(projectId)))!.Version;
    }

    private static string ComponentFile(int drawings, int perDrawing, Func<int, int, string>? description = null)
    {
        var csv = new StringBuilder("drawing,title,area,system,component,type,test_package,description\n");
        var types = new[] { "spool", "field-weld", "support", "valve", "instrument" };
        for (var d = 0; d < drawings; d++)
        {
            for (var c = 0; c < perDrawing; c++)
            {
                csv.Append($"P-{d:000},Line {d},A{d % 3},S{d % 2},C-{c},{types[(d + c) % 5]},TP-{d % 4},{description?.Invoke(d, c) ?? "2in CS"}\n");
            }
        }
        return csv.ToString();
    }

    [Fact]
    public async Task One_component_file_with_drawing_columns_sets_up_the_project_and_a_second_import_of_it_appends_nothing()
    {
        await using var kit = await NewProjectAsync();
        var csv = ComponentFile(drawings: 12, perDrawing: 10);

        var first = await ImportAsync(kit, csv);
        Assert.Equal("succeeded", first.Phase);
        Assert.Equal((12, 120, 3, 2, 4), (first.Totals.DrawingsAdded, first.Totals.ComponentsAdded, first.Totals.AreasAdded, first.Totals.SystemsAdded, first.Totals.TestPackagesAdded));
        Assert.Equal(120, first.RowsApplied);
        Assert.Equal(100, first.Percent);
        var project = await kit.Queries.GetRollupAsync("plant-1", RollupKind.Project, "plant-1");
        Assert.Equal(120, project!.Components);
        Assert.Equal(["A0", "A1", "A2"], (await kit.Queries.ListRollupsAsync("plant-1", RollupKind.Area)).Select(a => a.Key));

        var version = await ProjectVersionAsync(kit);
        var again = await ImportAsync(kit, csv);
        Assert.Equal("succeeded", again.Phase);
        Assert.False(again.Totals.Changed);
        Assert.Equal((12, 120), (again.Totals.DrawingsUnchanged, again.Totals.ComponentsUnchanged));
        Assert.Equal(version, await ProjectVersionAsync(kit));

        // One changed description updates that one component, nothing else.
        var changed = await ImportAsync(kit, ComponentFile(12, 10, (d, c) => d == 5 && c == 3 ? "3in SS" : "2in CS"));
        Assert.Equal((0, 1, 119), (changed.Totals.ComponentsAdded, changed.Totals.ComponentsUpdated, changed.Totals.ComponentsUnchanged));
        Assert.True(await ProjectVersionAsync(kit) > version);
        var drawing = await kit.Queries.GetDrawingAsync("plant-1", "P-005");
        Assert.Equal("3in SS", drawing!.Components["C-3"].Description);
    }

    [Fact]
    public async Task A_file_with_one_bad_row_stores_nothing_and_reports_every_error_with_row_and_column()
    {
        await using var kit = await NewProjectAsync();
        var version = await ProjectVersionAsync(kit);
        var csv = ComponentFile(drawings: 3, perDrawing: 4)
            + "P-000,Line 0,A0,S0,C-9,pump,TP-0,x\n"        // row 14: unknown type
            + "P-001,Line 1,A9,S1,C-8,spool,TP-1,x\n"       // row 15: P-001 is in A1 on row 6
            + "P-002,Line 2,A2,S0,C-0,valve,TP-2,dup\n";    // row 16: C-0 of P-002 is on row 10

        var status = await ImportAsync(kit, csv);
        Assert.Equal("rejected", status.Phase);
        Assert.Equal([(14L, "type"), (15L, "area"), (16L, "component")], status.Errors.Select(e => (e.Row, e.Column)));
        Assert.Contains("known", status.Errors[0].Message.Replace("the types are", "known", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("'A1' on row 6, 'A9' here", status.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("already on row 10", status.Errors[2].Message, StringComparison.Ordinal);
        Assert.Equal(version, await ProjectVersionAsync(kit));
        Assert.Empty(await kit.Queries.ListDrawingsAsync("plant-1"));
    }

    [Fact]
    public async Task A_component_file_without_drawing_columns_needs_its_drawings_imported_before()
    {
        await using var kit = await NewProjectAsync();
        var drawings = await ImportAsync(kit, "drawing,title,area,system\nP-1,First,A,S\nP-2,Second,A,S\n");
        Assert.Equal((2, 1, 1), (drawings.Totals.DrawingsAdded, drawings.Totals.AreasAdded, drawings.Totals.SystemsAdded));

        var rejected = await ImportAsync(kit, "drawing,component,type\nP-1,C-1,spool\nP-3,C-1,spool\n");
        Assert.Equal("rejected", rejected.Phase);
        Assert.Equal((3L, "drawing"), (rejected.Errors.Single().Row, rejected.Errors.Single().Column));

        var ok = await ImportAsync(kit, "drawing,component,type\nP-1,C-1,spool\nP-2,C-1,valve\n");
        Assert.Equal(("succeeded", 2), (ok.Phase, ok.Totals.ComponentsAdded));
    }

    [Fact]
    public async Task A_file_larger_than_a_chunk_is_stored_in_several_transactions_and_re_imports_as_a_no_op()
    {
        await using var kit = await NewProjectAsync();
        var csv = ComponentFile(drawings: 60, perDrawing: 200); // 12,000 rows: three chunks
        var first = await ImportAsync(kit, csv);
        Assert.Equal("succeeded", first.Phase);
        Assert.Equal(12_000, first.Totals.ComponentsAdded);
        Assert.Equal(12_000, (await kit.Queries.GetRollupAsync("plant-1", RollupKind.Project, "plant-1"))!.Components);
        var version = await ProjectVersionAsync(kit);
        var again = await ImportAsync(kit, csv);
        Assert.Equal((12_000, false), (again.Totals.ComponentsUnchanged, again.Totals.Changed));
        Assert.Equal(version, await ProjectVersionAsync(kit));
    }

    [Fact]
    public async Task An_unknown_project_or_a_file_with_only_a_header_is_rejected()
    {
        await using var kit = await NewProjectAsync();
        var missing = await ImportAsync(kit, "drawing,area,system\nP-1,A,S\n", projectId: "nowhere");
        Assert.Equal("rejected", missing.Phase);
        Assert.Contains("does not exist", missing.Errors.Single().Message, StringComparison.Ordinal);
        var empty = await ImportAsync(kit, "drawing,area,system\n");
        Assert.Equal("rejected", empty.Phase);
        Assert.Contains("no data rows", empty.Errors.Single().Message, StringComparison.Ordinal);
    }
}
