using System.Collections.Concurrent;
using CrdtCollab.EventStore;
using Npgsql;

namespace CrdtCollab.Integration.Tests;

/// <summary>
/// Makes chosen appends slow or failing from inside their own transaction, after their global
/// positions are taken: an event typed "slow" holds the transaction open until released, one typed
/// "rollback" aborts it.
/// </summary>
internal sealed class GateInlineProjection : IInlineProjection
{
    private readonly ConcurrentDictionary<Guid, (TaskCompletionSource Entered, TaskCompletionSource Release)> _gates = new();

    /// <summary>Optional: how a slow append without an explicit gate decides when to finish.</summary>
    public Func<CancellationToken, Task>? DefaultHold { get; set; }

    public (TaskCompletionSource Entered, TaskCompletionSource Release) Gate(Guid correlation) =>
        _gates.GetOrAdd(correlation, _ => (new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously)));

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            if (e.EventType == "rollback")
            {
                throw new RolledBackOnPurposeException();
            }
            if (e.EventType == "slow")
            {
                if (e.CorrelationId is { } c && _gates.TryGetValue(c, out var gate))
                {
                    gate.Entered.TrySetResult();
                    await gate.Release.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
                }
                else if (DefaultHold is { } hold)
                {
                    await hold(cancellationToken);
                }
            }
        }
    }
}

internal sealed class RolledBackOnPurposeException : Exception
{
    public RolledBackOnPurposeException() : base("rolled back on purpose") { }
}
