using Marten;
using Marten.Services;
using Npgsql;

namespace CrdtCollab.Progress.Projections;

/// <summary>
/// Rebuilds every read model from Marten's event log, in one transaction: deletes them, then
/// replays all events in sequence order through the same <see cref="ProgressApplier"/> the inline
/// projection uses. Appends wait meanwhile (the event table is locked in share mode), so the result
/// is exactly the projection of the log as of the rebuild.
/// </summary>
public sealed class ProgressRebuilder
{
    /// <summary>Events replayed per page.</summary>
    public const int PageSize = 2_000;

    private readonly IDocumentStore _store;
    private readonly NpgsqlDataSource _dataSource;
    private readonly ProgressOptions _options;

    /// <summary>Creates the rebuilder for the store built with <paramref name="options"/>.</summary>
    public ProgressRebuilder(IDocumentStore store, NpgsqlDataSource dataSource, ProgressOptions options)
    {
        _store = store;
        _dataSource = dataSource;
        _options = options;
    }

    /// <summary>Rebuilds; returns the number of events replayed.</summary>
    public async Task<long> RebuildAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand($"LOCK TABLE {_options.Schema}.mt_events IN SHARE MODE", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var session = _store.LightweightSession(SessionOptions.ForTransaction(transaction));
        session.DeleteWhere<ProjectSetup>(_ => true);
        session.DeleteWhere<DrawingProgress>(_ => true);
        session.DeleteWhere<RollupProgress>(_ => true);
        session.DeleteWhere<DailyProgress>(_ => true);
        session.DeleteWhere<DrawingStreamEntry>(_ => true);
        await session.SaveChangesAsync(cancellationToken);
        long last = 0, count = 0;
        while (true)
        {
            var page = await session.Events.QueryAllRawEvents()
                .Where(e => e.Sequence > last)
                .OrderBy(e => e.Sequence)
                .Take(PageSize)
                .ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                break;
            }
            var set = await ProgressWorkingSetLoader.LoadAsync(session, [.. page.Select(e => e.Data)], cancellationToken);
            var applier = new ProgressApplier(set, _options.StreamIdOf);
            foreach (var e in page)
            {
                applier.Apply(e.Data, e.Timestamp);
            }
            applier.Finish();
            ProgressWorkingSetLoader.Store(session, set);
            await session.SaveChangesAsync(cancellationToken);
            last = page[^1].Sequence;
            count += page.Count;
        }
        await transaction.CommitAsync(cancellationToken);
        return count;
    }
}
