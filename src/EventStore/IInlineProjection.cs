using Npgsql;

namespace CrdtCollab.EventStore;

/// <summary>
/// A projection updated in the same transaction as the append: it sees exactly the appended
/// events, and if it throws the append is rolled back.
/// </summary>
public interface IInlineProjection
{
    /// <summary>Applies newly appended events (duplicates of earlier appends are not passed).</summary>
    /// <param name="connection">The append's connection.</param>
    /// <param name="transaction">The append's open transaction.</param>
    /// <param name="events">The new events in global order; <see cref="StoredEvent.TransactionId"/> is 0.</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken);
}
