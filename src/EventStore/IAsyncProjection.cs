using Npgsql;

namespace CrdtCollab.EventStore;

/// <summary>
/// A projection run by a <see cref="ProjectionDaemon"/>. Each batch is applied in the same
/// transaction that advances its checkpoint, so writes made through the given connection happen
/// exactly once; side effects outside the database must be idempotent (a batch can be redelivered
/// after a crash).
/// </summary>
public interface IAsyncProjection
{
    /// <summary>Unique name; keys the checkpoint and the leader lock.</summary>
    string Name { get; }

    /// <summary>Applies a batch of settled events in global order.</summary>
    /// <param name="connection">The daemon's connection.</param>
    /// <param name="transaction">The transaction that will also advance the checkpoint.</param>
    /// <param name="events">Events in increasing global position, none skipped.</param>
    /// <param name="cancellationToken">Cancelled when the daemon stops.</param>
    Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken);

    /// <summary>Deletes the projection's state before a rebuild, in the transaction that resets the checkpoint.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="transaction">The transaction that also resets the checkpoint to 0.</param>
    /// <param name="cancellationToken">Cancels the reset.</param>
    Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken);
}
