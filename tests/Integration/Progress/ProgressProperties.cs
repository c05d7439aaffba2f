using CrdtCollab.Crdt;
using CrdtCollab.Progress;
using CrdtCollab.Progress.Documents;
using CrdtCollab.Progress.Domain;
using CrdtCollab.Progress.Projections;
using CrdtCollab.Progress.Queries;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace CrdtCollab.Integration.Tests.Progress;

/// <summary>
/// Random edit histories on drawing documents — three replicas per drawing editing concurrently,
/// committing late (offline) and syncing with each other now and then — end with every level's
/// progress equal to a brute-force recomputation from the final CRDT documents.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ProgressProperties(PostgresFixture pg)
{
    private const int Drawings = 3;
    private const int Components = 4;
    private const int Replicas = 3;

    /// <summary>Kind 0–5 edit, 6 delete, 7 commit the replica's pending updates, 8 sync replica → other.</summary>
    public sealed record Op(int Kind, int Drawing, int Replica, int Other, int Component, int Milestone, int Value);

    private static readonly Gen<Op> OpGen =
        from kind in Gen.Choose(0, 8)
        from drawing in Gen.Choose(0, Drawings - 1)
        from replica in Gen.Choose(0, Replicas - 1)
        from other in Gen.Choose(0, Replicas - 1)
        from component in Gen.Choose(0, Components - 1)
        from milestone in Gen.Choose(0, 4)
        from value in Gen.Choose(0, 100)
        select new Op(kind, drawing, replica, other, component, milestone, value);

    private static Arbitrary<Op[]> Histories() =>
        Arb.From(Gen.Choose(1, 50).SelectMany(n => OpGen.ArrayOf(n)), ops => Enumerable.Range(0, ops.Length).Select(i => ops.Where((_, j) => j != i).ToArray()));

    [Fact]
    public async Task Progress_of_every_level_equals_a_recomputation_from_the_final_documents()
    {
        await using var kit = await BridgeTestKit.CreateAsync(pg.DataSource, "pprop", drawings: 1, componentsPerDrawing: 1);
        var daemon = kit.StartDaemon(kit.NewBridge(), BridgeTestKit.Fast with { BatchSize = 7 });
        var commands = new ProgressCommands(kit.Store);
        var queries = new ProgressQueries(kit.Store);
        var run = 0;
        var maxTest = Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ? 20 : 30;
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), Prop.ForAll(Histories(), ops =>
        {
            var projectId = $"pp{Interlocked.Increment(ref run)}";
            RunAsync(kit, daemon, commands, queries, projectId, ops).GetAwaiter().GetResult();
        }));
        Assert.True(run >= maxTest);
    }

    private static async Task RunAsync(BridgeTestKit kit, EventStore.ProjectionDaemon daemon, ProgressCommands commands, ProgressQueries queries, string projectId, Op[] ops)
    {
        await commands.CreateProjectAsync(projectId, projectId, null);
        var (drawings, components) = ProgressTestKit.SmallProject(Drawings, Components);
        await commands.ImportAsync(projectId, drawings, components);
        var project = (await queries.GetProjectAsync(projectId))!;
        var typeOf = components.ToDictionary(c => (c.DrawingId, c.ComponentId), c => c.Type);
        var docIds = drawings.Select(d => DrawingDocumentIds.For(projectId, d.DrawingId)).ToArray();
        var replicas = new YDoc[Drawings, Replicas];
        var pending = new List<byte[]>[Drawings, Replicas];
        for (var d = 0; d < Drawings; d++)
        {
            for (var r = 0; r < Replicas; r++)
            {
                replicas[d, r] = new YDoc(new YDocOptions { ClientId = 10 * d + r + 1 });
                pending[d, r] = [];
            }
        }
        async Task CommitAsync(int d, int r)
        {
            if (pending[d, r].Count > 0)
            {
                await kit.Editor.CommitAsync(docIds[d], $"crew-{r}", YUpdate.MergeUpdates(pending[d, r]));
                pending[d, r].Clear();
            }
        }
        foreach (var op in ops)
        {
            var doc = replicas[op.Drawing, op.Replica];
            var componentId = $"C{op.Component}";
            var template = project.Templates[typeOf[(drawings[op.Drawing].DrawingId, componentId)]];
            var milestone = template[op.Milestone % template.Count];
            switch (op.Kind)
            {
                case <= 5:
                    object value = milestone.Kind == MilestoneKind.Percent ? op.Value : op.Value % 3 == 0 ? op.Value % 2 == 0 : op.Value % 2 == 0 ? 0 : 100;
                    pending[op.Drawing, op.Replica].Add(DrawingEditor.Capture(doc, x => DrawingEditor.SetRaw(x, componentId, milestone.Name, value)));
                    break;
                case 6:
                    pending[op.Drawing, op.Replica].Add(DrawingEditor.Capture(doc, x => DrawingEditor.SetRaw(x, componentId, milestone.Name, null)));
                    break;
                case 7:
                    await CommitAsync(op.Drawing, op.Replica);
                    break;
                default:
                    var target = replicas[op.Drawing, op.Other];
                    target.ApplyUpdate(doc.EncodeStateAsUpdate(target.EncodeStateVector()));
                    break;
            }
        }
        for (var d = 0; d < Drawings; d++)
        {
            for (var r = 0; r < Replicas; r++)
            {
                await CommitAsync(d, r);
            }
        }
        await kit.CaughtUpAsync(daemon);
        await AssertMatchesBruteForceAsync(kit, queries, project, drawings, components, docIds);
    }

    private static async Task AssertMatchesBruteForceAsync(
        BridgeTestKit kit, ProgressQueries queries, ProjectSetup project, List<DrawingSpec> drawings, List<ComponentSpec> components, string[] docIds)
    {
        // The final document of each drawing: every committed update, merged.
        var earned = new Dictionary<(string Drawing, string Component), double>();
        var values = new Dictionary<(string Drawing, string Component, string Milestone), double>();
        for (var d = 0; d < drawings.Count; d++)
        {
            var doc = new YDoc();
            foreach (var e in await kit.Log.ReadStreamAsync(CrdtCollab.Host.LiveDocuments.DocumentStreamId.For(docIds[d])))
            {
                doc.ApplyUpdate(e.Payload);
            }
            foreach (var c in components.Where(c => c.DrawingId == drawings[d].DrawingId))
            {
                double sum = 0;
                foreach (var m in project.Templates[c.Type])
                {
                    Assert.True(MilestoneValues.TryRead(DrawingDocument.ReadRaw(doc, c.ComponentId, m.Name), m.Kind, out var v));
                    values[(c.DrawingId, c.ComponentId, m.Name)] = v;
                    sum += m.Weight * v / 100;
                }
                earned[(c.DrawingId, c.ComponentId)] = sum;
            }
        }
        double Total(ComponentSpec c) => project.Templates[c.Type].Sum(m => m.Weight);
        void Check(RollupProgress? actual, IEnumerable<ComponentSpec> members, string what)
        {
            var list = members.ToList();
            Assert.NotNull(actual);
            var e = list.Sum(c => earned[(c.DrawingId, c.ComponentId)]);
            var t = list.Sum(Total);
            Assert.True(Math.Abs(e - actual.Earned) < 1e-6, $"{what}: earned {actual.Earned}, recomputed {e}");
            Assert.Equal(t, actual.Total, 6);
            Assert.Equal(ProgressApplier.Percent(e, t), actual.Percent, 4);
            Assert.Equal(list.Count, actual.Components);
        }

        foreach (var drawing in drawings)
        {
            var actual = (await queries.GetDrawingAsync(project.Id, drawing.DrawingId))!;
            var members = components.Where(c => c.DrawingId == drawing.DrawingId).ToList();
            var e = members.Sum(c => earned[(c.DrawingId, c.ComponentId)]);
            Assert.True(Math.Abs(e - actual.Earned) < 1e-6, $"drawing {drawing.DrawingId}: earned {actual.Earned}, recomputed {e}");
            Assert.Equal(ProgressApplier.Percent(e, members.Sum(Total)), actual.Percent, 4);
            foreach (var c in members)
            {
                foreach (var (name, value) in actual.Components[c.ComponentId].Milestones)
                {
                    Assert.Equal(values[(c.DrawingId, c.ComponentId, name)], value);
                }
            }
            foreach (var (name, count) in actual.Milestones)
            {
                var all = values.Where(v => v.Key.Drawing == drawing.DrawingId && v.Key.Milestone == name).Select(v => v.Value).ToList();
                Assert.Equal((all.Count, all.Count(v => v == 100), all.Count(v => v is > 0 and < 100)), (count.Total, count.Complete, count.InProgress));
            }
        }
        var areaOf = drawings.ToDictionary(d => d.DrawingId, d => d.AreaId);
        var systemOf = drawings.ToDictionary(d => d.DrawingId, d => d.SystemId);
        Check(await queries.GetRollupAsync(project.Id, RollupKind.Project, project.Id), components, "project");
        foreach (var area in areaOf.Values.Distinct())
        {
            Check(await queries.GetRollupAsync(project.Id, RollupKind.Area, area), components.Where(c => areaOf[c.DrawingId] == area), $"area {area}");
        }
        foreach (var system in systemOf.Values.Distinct())
        {
            Check(await queries.GetRollupAsync(project.Id, RollupKind.System, system), components.Where(c => systemOf[c.DrawingId] == system), $"system {system}");
        }
        foreach (var tp in components.Select(c => c.TestPackageId!).Distinct())
        {
            Check(await queries.GetRollupAsync(project.Id, RollupKind.TestPackage, tp), components.Where(c => c.TestPackageId == tp), $"test package {tp}");
        }
        // The daily history's last row of the project is the project's final progress.
        var history = await queries.GetHistoryAsync(project.Id, RollupKind.Project, project.Id, DateOnly.MinValue, DateOnly.MaxValue);
        var final = earned.Values.Sum();
        Assert.True(history.Count == 0 ? final == 0 : Math.Abs(history[^1].Earned - final) < 1e-6, "daily history ends at the final progress");
    }
}
