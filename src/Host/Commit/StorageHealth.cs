namespace CrdtCollab.Host.Commit;

/// <summary>Whether the last commit reached PostgreSQL; read by <c>/health</c> and the logs.</summary>
internal sealed class StorageHealth
{
    private volatile string? _lastError;

    public bool Available => _lastError is null;

    public string? LastError => _lastError;

    public void Succeeded() => _lastError = null;

    public void Failed(Exception e) => _lastError = e.GetType().Name + ": " + e.Message;
}
