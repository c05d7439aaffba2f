using CrdtCollab.Crdt;
using CrdtCollab.Host.Intake;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Progress.Documents;
using CrdtCollab.Progress.Domain;
using CrdtCollab.Progress.Import;

namespace CrdtCollab.Host.Imports;

/// <summary>
/// Seeds imported components' milestone maps through the sync pipeline like any client update:
/// applied to the live document (so connected crews receive it at once), batched, stored, acked.
/// </summary>
internal sealed class LiveDrawingSeeder(LiveDocumentRegistry registry, UpdateIntake intake) : IDrawingSeeder
{
    /// <summary>
    /// 32 drawings in flight: each submit waits for its commit, so one at a time would pay a flush
    /// window per drawing; 32 fill a batch without crowding out live editors' backlog.
    /// </summary>
    private const int DrawingsInFlight = 32;

    public async Task SeedAsync(string projectId, IReadOnlyCollection<ComponentSpec> components, string user, CancellationToken cancellationToken)
    {
        var byDrawing = components.GroupBy(c => c.DrawingId, StringComparer.Ordinal);
        await Parallel.ForEachAsync(byDrawing, new ParallelOptions { MaxDegreeOfParallelism = DrawingsInFlight, CancellationToken = cancellationToken },
            async (drawing, ct) =>
            {
                var doc = await registry.GetOrLoadAsync(DrawingDocumentIds.For(projectId, drawing.Key), ct);
                if (MissingMaps(doc, drawing.Select(c => c.ComponentId)) is { } update)
                {
                    await intake.SubmitAsync(doc, update, origin: null, userId: user);
                }
            });
    }

    /// <summary>The update that adds the maps the document lacks, or null when it has them all.</summary>
    /// <remarks>Built on a copy of the live state, so the live document changes only through intake.
    /// A crew creating the same map in the instant between the copy and the submit still races
    /// (one map wins); the window is the length of this method, not the life of the drawing.</remarks>
    private static byte[]? MissingMaps(LiveDocument doc, IEnumerable<string> componentIds)
    {
        var copy = new YDoc();
        copy.ApplyUpdate(doc.EncodeStateAsUpdate([]));
        var before = copy.EncodeStateVector();
        DrawingDocument.Seed(copy, componentIds);
        return before.AsSpan().SequenceEqual(copy.EncodeStateVector()) ? null : copy.EncodeStateAsUpdate(before);
    }
}
