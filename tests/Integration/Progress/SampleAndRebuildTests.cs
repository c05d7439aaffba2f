using System.Text.Json;
using CrdtCollab.EventStore;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Progress;
using CrdtCollab.Progress.Projections;
using CrdtCollab.Progress.Queries;
using CrdtCollab.Progress.Sample;
using Marten;
using Xunit;

namespace CrdtCollab.Integration.Tests.Progress;

[Collection(PostgresCollection.Name)]
public sealed class SampleAndRebuildTests(PostgresFixture pg)
{
    [Fact]
    public async Task A_sample_project_has_history_on_past_days_and_rebuilding_the_read_models_from_the_events_gives_the_same_documents()
    {
        await using var kit = await BridgeTestKit.CreateAsync(pg.DataSource, "sample");
        var clock = new SampleClock();
        var pastLog = new PostgresEventStore(pg.DataSource, kit.Log.Options with { TimeProvider = clock });
        var spec = new SampleProjectSpec { ProjectId = "demo", Drawings = 20, ComponentsPerDrawing = 10, Days = 5 };
        var updates = await new SampleProjectLoader(new ProgressCommands(kit.Store), pastLog, clock, DocumentStreamId.For).LoadAsync(spec, "lead");
        var daemon = kit.StartDaemon(kit.NewBridge(), BridgeTestKit.Fast with { BatchSize = 100 });
        await kit.CaughtUpAsync(daemon);

        var queries = new ProgressQueries(kit.Store);
        var project = (await queries.GetRollupAsync("demo", RollupKind.Project, "demo"))!;
        Assert.Equal(200, project.Components);
        Assert.InRange(project.Percent, 1, 99);
        var history = await queries.GetHistoryAsync("demo", RollupKind.Project, "demo", DateOnly.MinValue, DateOnly.MaxValue);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => today.AddDays(-6 + i)), history.Select(h => h.Day));
        Assert.True(history.Zip(history.Skip(1)).All(p => p.Second.Earned >= p.First.Earned), "sample work only moves forward");
        Assert.Equal(project.Earned, history[^1].Earned, 6);
        var drawings = await queries.ListDrawingsAsync("demo");
        Assert.Equal(project.Earned, drawings.Sum(d => d.Earned), 6);
        Assert.True(updates > 20);

        var before = await SnapshotAsync(kit.Store);
        var replayed = await new ProgressRebuilder(kit.Store, pg.DataSource, ProgressOptionsOf(kit.Store)).RebuildAsync();
        Assert.True(replayed > 100);
        var after = await SnapshotAsync(kit.Store);
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (id, json) in before)
        {
            Assert.True(Same(json, after[id]), $"{id} differs after the rebuild:\n{json}\n{after[id]}");
        }
    }

    private static ProgressOptions ProgressOptionsOf(DocumentStore store) =>
        new() { Schema = store.Options.DatabaseSchemaName, StreamIdOf = DocumentStreamId.For };

    /// <summary>Every read-model document as JSON, by type and id.</summary>
    private static async Task<Dictionary<string, string>> SnapshotAsync(DocumentStore store)
    {
        await using var session = store.QuerySession();
        var all = new Dictionary<string, string>();
        foreach (var d in await session.Query<ProjectSetup>().ToListAsync())
        {
            all["project/" + d.Id] = JsonSerializer.Serialize(d);
        }
        foreach (var d in await session.Query<DrawingProgress>().ToListAsync())
        {
            all["drawing/" + d.Id] = JsonSerializer.Serialize(d);
        }
        foreach (var d in await session.Query<RollupProgress>().ToListAsync())
        {
            all["rollup/" + d.Id] = JsonSerializer.Serialize(d);
        }
        foreach (var d in await session.Query<DailyProgress>().ToListAsync())
        {
            all["daily/" + d.Id] = JsonSerializer.Serialize(d);
        }
        foreach (var d in await session.Query<DrawingStreamEntry>().ToListAsync())
        {
            all["stream/" + d.Id] = JsonSerializer.Serialize(d);
        }
        return all;
    }

    /// <summary>Equal JSON, numbers compared to 1e-9 (sums in another order may differ in the last bits).</summary>
    private static bool Same(string a, string b) => Same(JsonDocument.Parse(a).RootElement, JsonDocument.Parse(b).RootElement);

    private static bool Same(JsonElement a, JsonElement b) => (a.ValueKind, b.ValueKind) switch
    {
        (JsonValueKind.Object, JsonValueKind.Object) =>
            a.EnumerateObject().Count() == b.EnumerateObject().Count()
            && a.EnumerateObject().All(p => b.TryGetProperty(p.Name, out var q) && Same(p.Value, q)),
        (JsonValueKind.Array, JsonValueKind.Array) => a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => Same(p.First, p.Second)),
        (JsonValueKind.Number, JsonValueKind.Number) => Math.Abs(a.GetDouble() - b.GetDouble()) < 1e-9,
        _ => a.ValueKind == b.ValueKind && a.ToString() == b.ToString(),
    };
}
