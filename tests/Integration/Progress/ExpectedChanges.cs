using CrdtCollab.Crdt;
using CrdtCollab.EventStore;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Progress.Documents;
using CrdtCollab.Progress.Domain;
using CrdtCollab.Progress.Projections;
using Marten;

namespace CrdtCollab.Integration.Tests.Progress;

/// <summary>
/// The events the bridge must produce, worked out the slow, obvious way: replay the whole CRDT log
/// per drawing into a fresh YDoc, and after every update compare each known milestone's value (by
/// <see cref="MilestoneValues.TryRead"/>) with its last valid value. No cache, no Marten.
/// </summary>
internal static class ExpectedChanges
{
    public static async Task<List<MilestoneProgressChanged>> ComputeAsync(PostgresEventStore log, IDocumentStore store, string projectId)
    {
        await using var session = store.QuerySession();
        var project = (await session.LoadAsync<ProjectSetup>(projectId))!;
        var drawings = (await session.Query<DrawingProgress>().Where(d => d.ProjectId == projectId).ToListAsync())
            .ToDictionary(d => DocumentStreamId.For(d.Id));
        var docs = new Dictionary<Guid, YDoc>();
        var values = new Dictionary<(Guid, string, string), double>();
        var expected = new List<MilestoneProgressChanged>();
        long from = 1;
        while (true)
        {
            var page = await log.ReadAllAsync(from, 10_000);
            if (page.Count == 0)
            {
                break;
            }
            foreach (var e in page)
            {
                if (e.EventType != "update" || !drawings.TryGetValue(e.StreamId, out var drawing))
                {
                    continue;
                }
                if (!docs.TryGetValue(e.StreamId, out var doc))
                {
                    docs[e.StreamId] = doc = new YDoc();
                }
                doc.ApplyUpdate(e.Payload);
                foreach (var (componentId, component) in drawing.Components.OrderBy(c => c.Key, StringComparer.Ordinal))
                {
                    foreach (var milestone in project.Templates[component.Type])
                    {
                        if (!MilestoneValues.TryRead(DrawingDocument.ReadRaw(doc, componentId, milestone.Name), milestone.Kind, out var value))
                        {
                            continue;
                        }
                        var key = (e.StreamId, componentId, milestone.Name);
                        var old = values.GetValueOrDefault(key);
                        if (old != value)
                        {
                            expected.Add(new MilestoneProgressChanged(projectId, drawing.DrawingId, componentId, milestone.Name, old, value, e.UserId, e.Timestamp, e.GlobalPosition));
                            values[key] = value;
                        }
                    }
                }
            }
            from = page[^1].GlobalPosition + 1;
        }
        return expected;
    }

    /// <summary>Every MilestoneProgressChanged in Marten, in a canonical order for comparison.</summary>
    public static async Task<List<MilestoneProgressChanged>> ActualAsync(IDocumentStore store)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.QueryRawEventDataOnly<MilestoneProgressChanged>().ToListAsync();
        return Canonical(events);
    }

    public static List<MilestoneProgressChanged> Canonical(IEnumerable<MilestoneProgressChanged> events) =>
        [.. events.OrderBy(e => e.SourcePosition).ThenBy(e => e.ComponentId, StringComparer.Ordinal).ThenBy(e => e.Milestone, StringComparer.Ordinal)];
}
