namespace CrdtCollab.Host.Progress;

/// <summary>
/// Completes once the progress store is migrated. The migration runs in the background so that it
/// does not delay the sync server's start; progress requests wait for it (503 if it failed).
/// </summary>
internal sealed class ProgressReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ready => _ready.Task;

    public void SetReady() => _ready.TrySetResult();

    public void SetFailed(Exception e) => _ready.TrySetException(e);
}
