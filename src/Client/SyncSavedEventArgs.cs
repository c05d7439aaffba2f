namespace CrdtCollab.Client;

/// <summary>Data for <see cref="SyncClient.Saved"/>: how far the server has saved this client's updates.</summary>
public sealed class SyncSavedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="savedUpdates">How many of the client's local updates are now saved.</param>
    /// <param name="pendingUpdates">How many local updates are not acknowledged yet.</param>
    /// <param name="savedVersion">The document's stream version the acknowledgement reported.</param>
    public SyncSavedEventArgs(long savedUpdates, long pendingUpdates, long savedVersion)
    {
        SavedUpdates = savedUpdates;
        PendingUpdates = pendingUpdates;
        SavedVersion = savedVersion;
    }

    /// <summary>
    /// How many of the client's local updates are saved: the first <c>SavedUpdates</c> updates the
    /// document raised (in the order it raised them) are committed on the server.
    /// </summary>
    public long SavedUpdates { get; }

    /// <summary>How many local updates are not acknowledged yet.</summary>
    public long PendingUpdates { get; }

    /// <summary>The document's stream version the acknowledgement reported.</summary>
    public long SavedVersion { get; }
}
