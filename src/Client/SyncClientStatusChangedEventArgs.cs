namespace CrdtCollab.Client;

/// <summary>Data for <see cref="SyncClient.StatusChanged"/>.</summary>
public sealed class SyncClientStatusChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="status">The status the client is now in.</param>
    /// <param name="error">Why the connection was lost, when it was lost with an error.</param>
    public SyncClientStatusChangedEventArgs(SyncClientStatus status, Exception? error)
    {
        Status = status;
        Error = error;
    }

    /// <summary>The status the client is now in.</summary>
    public SyncClientStatus Status { get; }

    /// <summary>Why the connection was lost, when it was lost with an error; otherwise null.</summary>
    public Exception? Error { get; }
}
