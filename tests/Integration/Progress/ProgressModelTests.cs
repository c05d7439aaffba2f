using CrdtCollab.Progress;
using CrdtCollab.Progress.Domain;
using CrdtCollab.Progress.Projections;
using CrdtCollab.Progress.Queries;
using Marten;
using Xunit;

namespace CrdtCollab.Integration.Tests.Progress;

[Collection(PostgresCollection.Name)]
public sealed class ProgressModelTests(PostgresFixture pg)
{
    [Fact]
    public async Task Import_builds_drawings_and_rollups_and_importing_the_same_data_again_appends_nothing()
    {
        await using var store = await ProgressTestKit.NewStoreAsync(pg.DataSource, "pmodel");
        var commands = new ProgressCommands(store);
        var queries = new ProgressQueries(store);
        await commands.CreateProjectAsync("plant-1", "Plant 1", "alice");
        var (drawings, components) = ProgressTestKit.SmallProject(4, 5);

        var first = await commands.ImportAsync("plant-1", drawings, components);
        Assert.Equal((4, 20, 2, 2, 2), (first.DrawingsAdded, first.ComponentsAdded, first.AreasAdded, first.SystemsAdded, first.TestPackagesAdded));
        await using (var session = store.QuerySession())
        {
            var before = await session.Events.FetchStreamStateAsync(ProgressIds.ProjectStream("plant-1"));
            var again = await commands.ImportAsync("plant-1", drawings, components);
            Assert.False(again.Changed);
            Assert.Equal((4, 20), (again.DrawingsUnchanged, again.ComponentsUnchanged));
            var after = await session.Events.FetchStreamStateAsync(ProgressIds.ProjectStream("plant-1"));
            Assert.Equal(before!.Version, after!.Version);
        }

        var project = await queries.GetRollupAsync("plant-1", RollupKind.Project, "plant-1");
        Assert.NotNull(project);
        Assert.Equal(20, project.Components);
        Assert.Equal(20 * 100, project.Total); // every default template weighs 100
        Assert.Equal(0, project.Percent);
        var areas = await queries.ListRollupsAsync("plant-1", RollupKind.Area);
        Assert.Equal(["A0", "A1"], areas.Select(a => a.Key));
        Assert.Equal(20, areas.Sum(a => a.Components));
        var list = await queries.ListDrawingsAsync("plant-1");
        Assert.Equal(4, list.Count);
        Assert.Equal("drawing.plant-1.D-00", list[0].DocumentId);

        // A changed row updates: component C0 of D-00 moves to another test package and type.
        var changed = components.Select(c => c.DrawingId == "D-00" && c.ComponentId == "C0" ? c with { Type = ComponentTypes.Valve, TestPackageId = "TP9" } : c).ToList();
        var third = await commands.ImportAsync("plant-1", drawings, changed);
        Assert.Equal((1, 19, 1), (third.ComponentsUpdated, third.ComponentsUnchanged, third.TestPackagesAdded));
        var drawing = await queries.GetDrawingAsync("plant-1", "D-00");
        Assert.Equal(ComponentTypes.Valve, drawing!.Components["C0"].Type);
        Assert.Equal(["Install", "Punch", "Receive", "Test"], drawing.Components["C0"].Milestones.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, (await queries.GetRollupAsync("plant-1", RollupKind.TestPackage, "TP9"))!.Components);
    }

    [Fact]
    public async Task An_import_with_a_bad_row_stores_nothing_and_names_every_problem()
    {
        await using var store = await ProgressTestKit.NewStoreAsync(pg.DataSource, "pmodelbad");
        var commands = new ProgressCommands(store);
        await commands.CreateProjectAsync("plant-2", "Plant 2", null);
        var (drawings, components) = ProgressTestKit.SmallProject(2, 2);
        components.Add(new ComponentSpec("D-00", "C9", "reactor", null, null));
        components.Add(new ComponentSpec("D-77", "C1", ComponentTypes.Spool, null, null));
        var error = await Assert.ThrowsAsync<ProgressValidationException>(() => commands.ImportAsync("plant-2", drawings, components));
        Assert.Equal(2, error.Errors.Count);
        Assert.Contains(error.Errors, e => e.Contains("reactor", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("D-77", StringComparison.Ordinal));
        Assert.Empty(await new ProgressQueries(store).ListDrawingsAsync("plant-2"));
    }

    [Fact]
    public async Task Redefining_a_template_reweighs_every_component_of_its_type_at_every_level()
    {
        await using var store = await ProgressTestKit.NewStoreAsync(pg.DataSource, "pmodeltpl");
        var commands = new ProgressCommands(store);
        var queries = new ProgressQueries(store);
        await commands.CreateProjectAsync("plant-3", "Plant 3", null);
        var (drawings, components) = ProgressTestKit.SmallProject(3, 5);
        await commands.ImportAsync("plant-3", drawings, components);
        var spools = components.Count(c => c.Type == ComponentTypes.Spool);
        Assert.Equal(100.0 * components.Count, (await queries.GetRollupAsync("plant-3", RollupKind.Project, "plant-3"))!.Total);

        await commands.DefineTemplateAsync("plant-3", ComponentTypes.Spool, [new("Receive", 20, MilestoneKind.Checkbox), new("Erect", 30, MilestoneKind.Percent)]);
        var project = (await queries.GetRollupAsync("plant-3", RollupKind.Project, "plant-3"))!;
        Assert.Equal(100.0 * (components.Count - spools) + 50.0 * spools, project.Total);
        Assert.Equal(spools, project.Milestones["Erect"].Total);
        var drawing = (await queries.GetDrawingAsync("plant-3", "D-00"))!;
        var spool = drawing.Components.Values.First(c => c.Type == ComponentTypes.Spool);
        Assert.Equal(["Erect", "Receive"], spool.Milestones.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(drawing.Components.Values.Sum(c => c.Total), drawing.Total);
        await Assert.ThrowsAsync<ProgressValidationException>(() => commands.DefineTemplateAsync("plant-3", ComponentTypes.Spool, [new("Receive", -1, MilestoneKind.Checkbox)]));
    }
}
