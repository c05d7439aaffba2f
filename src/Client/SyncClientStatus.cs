namespace CrdtCollab.Client;

/// <summary>Where a <see cref="SyncClient"/> is in its connection life cycle.</summary>
public enum SyncClientStatus
{
    /// <summary>Connecting and joining for the first time.</summary>
    Connecting,

    /// <summary>Joined: the document was exchanged with the server and broadcasts arrive.</summary>
    Connected,

    /// <summary>The connection was lost; the client retries with backoff and resyncs on success.</summary>
    Reconnecting,

    /// <summary>
    /// The server refused this user the document (no role on it at join, or access revoked while
    /// joined). Terminal: the client does not re-join; <see cref="SyncClient.AccessError"/> says
    /// why. Local edits stay in the document, unsaved. Dispose the client.
    /// </summary>
    Revoked,

    /// <summary>Disposed; the client no longer talks to the server.</summary>
    Disposed,
}
