namespace CrdtCollab.Host.Commit;

/// <summary>
/// Counts accepted updates that are not yet committed, so the server holds a bounded backlog
/// while PostgreSQL is away, and stops taking new ones when it is shutting down.
/// </summary>
internal sealed class CommitBacklog(int limit) : IDisposable
{
    private int _pending;
    private volatile bool _stopping;
    private readonly CancellationTokenSource _abandon = new();

    public int Pending => Volatile.Read(ref _pending);

    public bool Stopping => _stopping;

    /// <summary>Cancelled when the server gives up on committing what it still holds (shutdown timeout).</summary>
    public CancellationToken Abandoned => _abandon.Token;

    public bool TryReserve()
    {
        if (_stopping)
        {
            return false;
        }
        if (Interlocked.Increment(ref _pending) > limit)
        {
            Interlocked.Decrement(ref _pending);
            return false;
        }
        return true;
    }

    public void Release(int count) => Interlocked.Add(ref _pending, -count);

    public void StopAccepting() => _stopping = true;

    public void Abandon() => _abandon.Cancel();

    public void Dispose() => _abandon.Dispose();
}
