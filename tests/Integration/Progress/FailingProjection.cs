using CrdtCollab.EventStore;
using Npgsql;

namespace CrdtCollab.Integration.Tests.Progress;

/// <summary>
/// Wraps a projection and, on chosen calls, lets it do all its work and then fails before the
/// daemon can commit: either the daemon's backend is terminated (<c>pg_terminate_backend</c>, as a
/// crash or a lost connection would) or the call throws.
/// </summary>
internal sealed class FailingProjection(IAsyncProjection inner, NpgsqlDataSource dataSource, IReadOnlySet<int> terminateOnCalls, IReadOnlySet<int> throwOnCalls) : IAsyncProjection
{
    private int _calls;

    public string Name => inner.Name;

    public int Terminations { get; private set; }

    public int Throws { get; private set; }

    public int Calls => _calls;

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        await inner.ApplyAsync(connection, transaction, events, cancellationToken);
        if (terminateOnCalls.Contains(call))
        {
            Terminations++;
            await using var killer = dataSource.CreateCommand("SELECT pg_terminate_backend($1)");
            killer.Parameters.Add(new NpgsqlParameter<int> { TypedValue = connection.ProcessID });
            await killer.ExecuteScalarAsync(cancellationToken);
        }
        else if (throwOnCalls.Contains(call))
        {
            Throws++;
            throw new InvalidOperationException($"projection failed on purpose in call {call}");
        }
    }

    public Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        inner.ResetAsync(connection, transaction, cancellationToken);
}
