using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace CrdtCollab.Progress.Projections;

/// <summary>
/// The Marten projection of the domain events into the read models (drawing progress, rollups per
/// area/system/test package/project, daily history, the stream registry). Registered inline, so the
/// read models commit in the same transaction as the events; <see cref="ProgressRebuilder"/> replays
/// it from the event log.
/// </summary>
public sealed class ProgressProjection : IProjection
{
    private readonly Func<string, Guid> _streamIdOf;

    /// <summary>Creates the projection.</summary>
    /// <param name="streamIdOf">Maps a CRDT document id to its update-log stream id.</param>
    public ProgressProjection(Func<string, Guid> streamIdOf) => _streamIdOf = streamIdOf;

    /// <inheritdoc />
    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var data = events.Select(e => e.Data).ToList();
        var set = await ProgressWorkingSetLoader.LoadAsync(operations, data, cancellation);
        var applier = new ProgressApplier(set, _streamIdOf);
        foreach (var e in events)
        {
            applier.Apply(e.Data, e.Timestamp);
        }
        applier.Finish();
        ProgressWorkingSetLoader.Store(operations, set);
    }
}
