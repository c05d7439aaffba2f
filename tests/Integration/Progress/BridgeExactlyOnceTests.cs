using CrdtCollab.Progress.Documents;
using CrdtCollab.Progress.Domain;
using Xunit;

namespace CrdtCollab.Integration.Tests.Progress;

/// <summary>
/// The bridge appends each milestone change exactly once although its daemon dies mid-batch: the
/// Marten events and the checkpoint share one transaction, so a batch whose commit never happens
/// leaves nothing, and the redone batch produces the same events.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BridgeExactlyOnceTests(PostgresFixture pg)
{
    [Fact]
    public async Task Killing_the_daemon_mid_batch_and_restarting_it_leaves_no_duplicated_and_no_missing_domain_event()
    {
        await using var kit = await BridgeTestKit.CreateAsync(pg.DataSource, "bridge_once", drawings: 3, componentsPerDrawing: 4);
        var random = new Random(1313);
        await WriteHistoryAsync(kit, random, updates: 120);

        // Daemon 1 (batches of 20 events): call 2 loses its backend after the bridge appended its events,
        // call 4 throws after appending; both batches are redone by the same bridge instance.
        var first = new FailingProjection(kit.NewBridge(), pg.DataSource, terminateOnCalls: new HashSet<int> { 2 }, throwOnCalls: new HashSet<int> { 4 });
        var daemon1 = kit.StartDaemon(first);
        await kit.CaughtUpAsync(daemon1);
        await daemon1.StopAsync();
        Assert.Equal((1, 1), (first.Terminations, first.Throws));
        Assert.True(first.Calls >= 5, $"expected the failed batches to be redone, saw {first.Calls} calls");

        // More history while no daemon runs, then a fresh daemon with a fresh (cold) bridge that
        // dies on its very first batch.
        await WriteHistoryAsync(kit, random, updates: 120);
        var bridge2 = kit.NewBridge();
        var second = new FailingProjection(bridge2, pg.DataSource, terminateOnCalls: new HashSet<int> { 1 }, throwOnCalls: new HashSet<int>());
        var daemon2 = kit.StartDaemon(second);
        await kit.CaughtUpAsync(daemon2);
        Assert.Equal(1, second.Terminations);

        var expected = await ExpectedChanges.ComputeAsync(kit.Log, kit.Store, BridgeTestKit.ProjectId);
        var actual = await ExpectedChanges.ActualAsync(kit.Store);
        Assert.True(expected.Count > 60, $"history too small to mean anything: {expected.Count} changes");
        Assert.Equal(ExpectedChanges.Canonical(expected), actual);
        Assert.True(bridge2.Counters.ColdLoads > 3, "the redone batch rebuilt its replicas from the log");
    }

    /// <summary>
    /// Two replicas per drawing edit concurrently and exchange their updates now and then, as two
    /// tablets that sync late would; each update is committed to the log as the server would.
    /// Values are mostly valid, some not.
    /// </summary>
    private static async Task WriteHistoryAsync(BridgeTestKit kit, Random random, int updates)
    {
        var types = ComponentTypes.DefaultTemplates.Keys.Order(StringComparer.Ordinal).ToArray();
        for (var d = 0; d < 3; d++)
        {
            // The convention: component maps are created once (here by replica 0) and synced before crews edit.
            var documentId = $"drawing.plant.D-{d:00}";
            if (kit.Editor.Replica(documentId).GetMap(DrawingDocument.ComponentsRoot).Count == 0)
            {
                var seed = await kit.Editor.EditAsync(documentId, "importer", doc => DrawingDocument.Seed(doc, ["C0", "C1", "C2", "C3"]));
                kit.Editor.Replica(documentId, 1).ApplyUpdate(seed);
            }
        }
        for (var i = 0; i < updates; i++)
        {
            var drawing = random.Next(3);
            var documentId = $"drawing.plant.D-{drawing:00}";
            var component = random.Next(4);
            // Mostly a milestone of the component's template (as SmallProject assigns types), now and then another.
            var template = ComponentTypes.DefaultTemplates[types[(drawing + component) % types.Length]];
            var milestone = random.Next(8) == 0 ? "Weld" : template[random.Next(template.Count)].Name;
            var replica = random.Next(2);
            var user = replica == 0 ? "crew-a" : "crew-b";
            object value = random.Next(10) switch
            {
                0 => 150,
                1 => "done",
                < 5 => 100,
                < 7 => 0,
                _ => random.Next(101),
            };
            await kit.Editor.SetAsync(documentId, user, $"C{component}", milestone, value, replica);
            if (random.Next(4) == 0)
            {
                // The other replica catches up: it receives this replica's state (a no-op for the log).
                var from = kit.Editor.Replica(documentId, replica);
                var to = kit.Editor.Replica(documentId, 1 - replica);
                to.ApplyUpdate(from.EncodeStateAsUpdate(to.EncodeStateVector()));
            }
        }
    }
}
