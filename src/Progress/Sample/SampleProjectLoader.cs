using CrdtCollab.Crdt;
using CrdtCollab.EventStore;
using CrdtCollab.Progress.Documents;
using CrdtCollab.Progress.Domain;

namespace CrdtCollab.Progress.Sample;

/// <summary>
/// Loads a realistic generated project: areas, systems, test packages, drawings with spools, field
/// welds, supports, valves and instruments, and weeks of milestone history written as CRDT updates
/// to the update log, which the bridge then turns into domain events like any crew's edits.
/// </summary>
/// <remarks>
/// History timestamps: each past day's updates are appended in one batch while the loader's
/// <see cref="SampleClock"/> reads 14:00 UTC of that day, so the log (and so each
/// <c>MilestoneProgressChanged.At</c> and the daily history) carries that day. The updates go
/// straight to the log, so load a sample only into a project nobody has open.
/// </remarks>
public sealed class SampleProjectLoader
{
    private static readonly string[] Types = [ComponentTypes.Spool, ComponentTypes.FieldWeld, ComponentTypes.Support, ComponentTypes.Valve, ComponentTypes.Instrument];
    private static readonly int[] TypeShares = [35, 30, 20, 10, 5];

    private readonly ProgressCommands _commands;
    private readonly PostgresEventStore _log;
    private readonly SampleClock _clock;
    private readonly Func<string, Guid> _streamIdOf;
    private readonly TimeProvider _time;

    /// <summary>Creates the loader.</summary>
    /// <param name="commands">Domain commands.</param>
    /// <param name="log">An update-log store on the sync server's schema whose <see cref="EventStoreOptions.TimeProvider"/> is <paramref name="clock"/>.</param>
    /// <param name="clock">The clock the loader moves through the past days.</param>
    /// <param name="streamIdOf">Document id → stream id.</param>
    /// <param name="time">The real clock (to know what "yesterday" is).</param>
    public SampleProjectLoader(ProgressCommands commands, PostgresEventStore log, SampleClock clock, Func<string, Guid> streamIdOf, TimeProvider? time = null)
    {
        _commands = commands;
        _log = log;
        _clock = clock;
        _streamIdOf = streamIdOf;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Creates the project, imports it and writes its history; returns the number of updates written.</summary>
    public async Task<int> LoadAsync(SampleProjectSpec spec, string? user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var random = new Random(spec.Seed);
        await _commands.CreateProjectAsync(spec.ProjectId, $"Sample plant ({spec.Drawings} drawings)", user, cancellationToken);
        var (drawings, components) = Generate(spec, random);
        await _commands.ImportAsync(spec.ProjectId, drawings, components, cancellationToken);

        var templates = ComponentTypes.DefaultTemplates;
        var docs = drawings.ToDictionary(d => d.DrawingId, _ => new YDoc());
        var byDrawing = components.GroupBy(c => c.DrawingId).ToDictionary(g => g.Key, g => g.ToList());
        var next = components.ToDictionary(c => (c.DrawingId, c.ComponentId), _ => 0);
        var partial = new Dictionary<(string, string), double>();
        // Seed every drawing's component maps in one first update (the document convention).
        var first = _time.GetUtcNow().UtcDateTime.Date.AddDays(-spec.Days);
        var written = await AppendDayAsync(first.AddHours(6), drawings.Select(d =>
            (d.DrawingId, "importer", Capture(docs[d.DrawingId], doc => DrawingDocument.Seed(doc, byDrawing[d.DrawingId].Select(c => c.ComponentId))))), spec, cancellationToken);
        for (var day = 0; day < spec.Days; day++)
        {
            var updates = new List<(string DrawingId, string User, byte[] Update)>();
            foreach (var drawing in drawings)
            {
                // About half the drawings see work on a given day; a crew advances a few components.
                if (random.Next(100) >= 45)
                {
                    continue;
                }
                var list = byDrawing[drawing.DrawingId];
                var update = Capture(docs[drawing.DrawingId], doc =>
                {
                    for (var k = random.Next(2, 8); k > 0; k--)
                    {
                        var component = list[random.Next(list.Count)];
                        var template = templates[component.Type];
                        var index = next[(component.DrawingId, component.ComponentId)];
                        if (index >= template.Count)
                        {
                            continue;
                        }
                        var milestone = template[index];
                        var key = (component.DrawingId, component.ComponentId);
                        // Partial milestones only move forward, 10-50 points at a time, like real work.
                        var value = milestone.Kind == MilestoneKind.Checkbox
                            ? MilestoneValues.Complete
                            : Math.Min(MilestoneValues.Complete, partial.GetValueOrDefault(key) + 10 * random.Next(1, 6));
                        DrawingDocument.SetMilestone(doc, component.ComponentId, milestone.Name, value);
                        partial[key] = value;
                        if (value >= MilestoneValues.Complete)
                        {
                            next[key] = index + 1;
                            partial[key] = 0;
                        }
                    }
                });
                updates.Add((drawing.DrawingId, $"crew-{random.Next(1, 9)}", update));
            }
            written += await AppendDayAsync(first.AddDays(day).AddHours(14), updates, spec, cancellationToken);
        }
        return written;
    }

    /// <summary>The project's drawings and components, deterministic for a seed.</summary>
    public static (List<DrawingSpec> Drawings, List<ComponentSpec> Components) Generate(SampleProjectSpec spec, Random random)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(random);
        var drawings = new List<DrawingSpec>(spec.Drawings);
        var components = new List<ComponentSpec>(spec.Drawings * spec.ComponentsPerDrawing);
        for (var d = 0; d < spec.Drawings; d++)
        {
            var area = $"AREA-{d % 8 + 1:00}";
            var system = $"SYS-{d / 25 % 12 + 1:00}";
            var drawingId = $"ISO-{1000 + d}-01";
            drawings.Add(new DrawingSpec(drawingId, $"Isometric {1000 + d} sheet 1", area, system));
            for (var c = 0; c < spec.ComponentsPerDrawing; c++)
            {
                var type = Pick(random);
                var testPackage = $"TP-{d / 10 + 1:000}";
                components.Add(new ComponentSpec(drawingId, $"{type[..2].ToUpperInvariant()}-{c + 1:000}", type, testPackage, $"{random.Next(1, 13)}\" {type}"));
            }
        }
        return (drawings, components);
    }

    private static string Pick(Random random)
    {
        var roll = random.Next(100);
        for (var i = 0; i < Types.Length; i++)
        {
            roll -= TypeShares[i];
            if (roll < 0)
            {
                return Types[i];
            }
        }
        return Types[0];
    }

    private async Task<int> AppendDayAsync(DateTime at, IEnumerable<(string DrawingId, string User, byte[] Update)> updates, SampleProjectSpec spec, CancellationToken cancellationToken)
    {
        _clock.Now = new DateTimeOffset(at, TimeSpan.Zero);
        var requests = updates
            .Select(u => new AppendRequest(_streamIdOf(DrawingDocumentIds.For(spec.ProjectId, u.DrawingId)), ExpectedVersion.Any, [new EventData("update", u.Update) { UserId = u.User }]))
            .ToList();
        foreach (var chunk in requests.Chunk(500))
        {
            await _log.AppendBatchAsync(chunk, cancellationToken);
        }
        return requests.Count;
    }

    private static byte[] Capture(YDoc doc, Action<YDoc> edit)
    {
        var updates = new List<byte[]>();
        void OnUpdate(object? sender, YUpdateEventArgs e) => updates.Add(e.Update);
        doc.UpdateV1 += OnUpdate;
        try
        {
            edit(doc);
        }
        finally
        {
            doc.UpdateV1 -= OnUpdate;
        }
        return updates.Count == 1 ? updates[0] : YUpdate.MergeUpdates(updates);
    }
}
