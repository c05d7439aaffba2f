using CrdtCollab.EventStore.Internal;
using Npgsql;

namespace CrdtCollab.EventStore;

public sealed partial class PostgresEventStore
{
    /// <summary>Appends events to one stream.</summary>
    /// <param name="request">The stream, expected version and events.</param>
    /// <param name="cancellationToken">Cancels the append (it then rolls back).</param>
    /// <returns>Where the events landed, or the original positions if this was a retry.</returns>
    /// <exception cref="ConcurrencyException">The expected version did not match.</exception>
    /// <exception cref="IdempotencyConflictException">Some but not all update ids were already stored.</exception>
    /// <exception cref="AppendRejectedException">A limit in <see cref="EventStoreOptions"/> was broken.</exception>
    public async Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var results = await AppendBatchAsync([request], cancellationToken);
        return results[0];
    }

    /// <summary>
    /// Appends many requests, to any number of streams, in one round trip and one transaction.
    /// All or nothing: one failed check rejects the whole batch. Requests to the same stream chain
    /// in order, so two <see cref="ExpectedVersion.Any"/> requests for one document are both kept.
    /// </summary>
    /// <param name="requests">The requests, in order.</param>
    /// <param name="cancellationToken">Cancels the append (it then rolls back).</param>
    /// <returns>One result per request, in the same order.</returns>
    /// <exception cref="ConcurrencyException">An expected version did not match.</exception>
    /// <exception cref="IdempotencyConflictException">A request mixes stored and new update ids.</exception>
    /// <exception cref="AppendRejectedException">A limit in <see cref="EventStoreOptions"/> was broken.</exception>
    public async Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken = default)
    {
        var batch = AppendBatch.Create(requests, _options);
        if (batch.EventCount == 0)
        {
            return [];
        }
        var timestamp = _options.TimeProvider.GetUtcNow();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            if (_options.InlineProjections.Count == 0 && batch.EventCount < _options.CopyAppendThreshold)
            {
                // Fast path: the function call is its own transaction, so one round trip in all.
                await using var command = batch.CreateCommand(_schema, connection, null, timestamp);
                // Prepared statements survive in Npgsql's pool: after the first call on a physical
                // connection this only binds, which trims parse and plan from every small append.
                await command.PrepareAsync(cancellationToken);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                return batch.Results(await batch.ReadOutcomeAsync(reader, cancellationToken));
            }
            return await AppendInTransactionAsync(batch, connection, timestamp, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is ThrowHelper.ConcurrencyState or ThrowHelper.IdempotencyState)
        {
            throw ThrowHelper.Translate(e);
        }
    }

    private async Task<IReadOnlyList<AppendResult>> AppendInTransactionAsync(
        AppendBatch batch, NpgsqlConnection connection, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        AppendBatch.Outcome outcome;
        var reservation = batch.EventCount >= _options.CopyAppendThreshold
            ? await batch.ReserveAsync(_schema, connection, transaction, timestamp, cancellationToken)
            : null;
        if (reservation is { } reserved)
        {
            await batch.CopyRowsAsync(_schema, connection, reserved, timestamp, cancellationToken);
            outcome = batch.OutcomeOf(reserved);
        }
        else
        {
            await using var command = batch.CreateCommand(_schema, connection, transaction, timestamp);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            outcome = await batch.ReadOutcomeAsync(reader, cancellationToken);
        }
        var events = batch.NewEvents(outcome, timestamp);
        if (events.Count > 0)
        {
            foreach (var projection in _options.InlineProjections)
            {
                await projection.ApplyAsync(connection, transaction, events, cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return batch.Results(outcome);
    }
}
