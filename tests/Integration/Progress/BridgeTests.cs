using CrdtCollab.Progress.Domain;
using CrdtCollab.Progress.Projections;
using CrdtCollab.Progress.Queries;
using Xunit;

namespace CrdtCollab.Integration.Tests.Progress;

[Collection(PostgresCollection.Name)]
public sealed class BridgeTests(PostgresFixture pg)
{
    private const string D0 = "drawing.plant.D-00";

    [Fact]
    public async Task A_ticked_milestone_becomes_one_event_with_the_updates_user_and_time_and_moves_every_level()
    {
        await using var kit = await BridgeTestKit.CreateAsync(pg.DataSource, "bridge_tick");
        var bridge = kit.NewBridge();
        var daemon = kit.StartDaemon(bridge);
        // D-00/C0 is a field weld (Weld weighs 60 of 100), D-00/C2 a spool (Erect weighs 40).
        await kit.Editor.SetAsync(D0, "alice", "C0", "Weld", 100);
        await kit.Editor.SetAsync(D0, "bob", "C2", "Erect", 50);
        await kit.CaughtUpAsync(daemon);

        var events = await ExpectedChanges.ActualAsync(kit.Store);
        var log = await kit.Log.ReadAllAsync(1, 10);
        Assert.Equal(
            [
                new MilestoneProgressChanged("plant", "D-00", "C0", "Weld", 0, 100, "alice", log[0].Timestamp, log[0].GlobalPosition),
                new MilestoneProgressChanged("plant", "D-00", "C2", "Erect", 0, 50, "bob", log[1].Timestamp, log[1].GlobalPosition),
            ],
            events);
        var queries = new ProgressQueries(kit.Store);
        var drawing = (await queries.GetDrawingAsync("plant", "D-00"))!;
        Assert.Equal(80, drawing.Earned, 9);
        Assert.Equal(100.0 * 80 / drawing.Total, drawing.Percent, 6);
        Assert.Equal(100, drawing.Components["C0"].Milestones["Weld"]);
        Assert.Equal(1, drawing.Milestones["Weld"].Complete);
        Assert.Equal(1, drawing.Milestones["Erect"].InProgress);
        Assert.Equal("bob", drawing.LastChangedBy);
        Assert.Equal(80, (await queries.GetRollupAsync("plant", RollupKind.Project, "plant"))!.Earned, 9);
        Assert.Equal(80, (await queries.GetRollupAsync("plant", RollupKind.Area, "A0"))!.Earned, 9);
        Assert.Equal(80, (await queries.GetRollupAsync("plant", RollupKind.System, "S0"))!.Earned, 9);
        Assert.Equal(80, (await queries.GetRollupAsync("plant", RollupKind.TestPackage, "TP0"))!.Earned, 9);
        Assert.Equal(0, (await queries.GetRollupAsync("plant", RollupKind.TestPackage, "TP1"))!.Earned, 9);
        Assert.Equal(0, (await queries.GetRollupAsync("plant", RollupKind.Area, "A1"))!.Earned, 9);
        var day = DateOnly.FromDateTime(log[1].Timestamp.UtcDateTime);
        var history = await queries.GetHistoryAsync("plant", RollupKind.Project, "plant", day, day);
        Assert.Equal(80, Assert.Single(history).Earned, 9);
        Assert.Equal(2, history[0].Changes);
        Assert.Equal(2, bridge.Counters.Changes);
        Assert.Equal(events, await queries.ListChangesAsync("plant", log[0].Timestamp, log[1].Timestamp.AddTicks(10)));
        Assert.Equal([events[1]], await queries.ListChangesAsync("plant", log[1].Timestamp, log[1].Timestamp.AddTicks(10)));
        Assert.Empty(await queries.ListChangesAsync("other", log[0].Timestamp, log[1].Timestamp.AddTicks(10)));
    }

    [Fact]
    public async Task Invalid_values_and_unknown_keys_make_no_event_and_are_counted_and_the_last_valid_value_stays()
    {
        await using var kit = await BridgeTestKit.CreateAsync(pg.DataSource, "bridge_invalid");
        var bridge = kit.NewBridge();
        var daemon = kit.StartDaemon(bridge);
        await kit.Editor.SetAsync(D0, "u", "C2", "Erect", 30);
        await kit.Editor.SetAsync(D0, "u", "C2", "Erect", "half");   // text
        await kit.Editor.SetAsync(D0, "u", "C2", "Connect", 150);    // out of range
        await kit.Editor.SetAsync(D0, "u", "C2", "Connect", double.NaN);
        await kit.Editor.SetAsync(D0, "u", "C0", "Weld", 50);        // partial on a checkbox
        await kit.Editor.SetAsync(D0, "u", "C99", "Weld", 100);      // unknown component
        await kit.Editor.SetAsync(D0, "u", "C0", "Dance", 100);      // unknown milestone
        await kit.Editor.SetAsync(D0, "u", "C0", "Fit-up", true);    // a checkbox may write true
        await kit.CaughtUpAsync(daemon);

        var events = await ExpectedChanges.ActualAsync(kit.Store);
        Assert.Equal([("C2", "Erect", 0.0, 30.0), ("C0", "Fit-up", 0.0, 100.0)], events.Select(e => (e.ComponentId, e.Milestone, e.From, e.To)));
        var counters = bridge.Counters;
        Assert.Equal((4L, 2L, 8L), (counters.Rejected, counters.Ignored, counters.Updates));
        var drawing = (await new ProgressQueries(kit.Store).GetDrawingAsync("plant", "D-00"))!;
        Assert.Equal(30, drawing.Components["C2"].Milestones["Erect"]);
        Assert.Equal(0, drawing.Components["C2"].Milestones["Connect"]);
        Assert.Equal(0, drawing.Components["C0"].Milestones["Weld"]);
        Assert.False(drawing.Components.ContainsKey("C99"));
    }

    [Fact]
    public async Task Updates_of_documents_that_are_not_imported_drawings_are_skipped_and_take_effect_once_imported()
    {
        await using var kit = await BridgeTestKit.CreateAsync(pg.DataSource, "bridge_unknown");
        var daemon = kit.StartDaemon(kit.NewBridge());
        await kit.Editor.SetAsync("notes-1", "u", "C0", "Weld", 100);
        await kit.Editor.SetAsync("drawing.plant.D-50", "u", "C0", "Weld", 100);
        await kit.CaughtUpAsync(daemon);
        Assert.Empty(await ExpectedChanges.ActualAsync(kit.Store));

        await new CrdtCollab.Progress.ProgressCommands(kit.Store).ImportAsync("plant",
            [new DrawingSpec("D-50", "late", "A0", "S0")], [new ComponentSpec("D-50", "C0", ComponentTypes.FieldWeld, null, null)]);
        await kit.Editor.SetAsync("drawing.plant.D-50", "u", "C0", "Test", 100);
        await kit.CaughtUpAsync(daemon);
        var events = await ExpectedChanges.ActualAsync(kit.Store);
        Assert.Equal([("Test", 100.0), ("Weld", 100.0)], events.Select(e => (e.Milestone, e.To)).Order());
    }
}
