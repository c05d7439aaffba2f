namespace CrdtCollab.Host.Intake;

/// <summary>Why a message was refused; each has a stable wire code (docs/protocol.md).</summary>
internal enum RejectionReason
{
    /// <summary><c>invalid-update</c>: malformed bytes; nothing applied or stored.</summary>
    InvalidUpdate,

    /// <summary><c>too-large</c>: the message exceeds the update size limit.</summary>
    UpdateTooLarge,

    /// <summary><c>document-too-large</c>: the document would exceed its size limit.</summary>
    DocumentTooLarge,

    /// <summary><c>not-saved</c>: storage is unavailable and the backlog is full, or the server is stopping.</summary>
    NotSaved,

    /// <summary><c>server-busy</c>: the live-document limit is reached.</summary>
    ServerBusy,

    /// <summary><c>invalid-document-id</c>.</summary>
    InvalidDocumentId,

    /// <summary><c>not-joined</c>: a message for a document the connection has not joined.</summary>
    NotJoined,

    /// <summary><c>forbidden</c>: the user's role does not allow it (a viewer writing, no access).</summary>
    Forbidden,

    /// <summary><c>rate-limited</c>: the connection sent faster than its token bucket allows.</summary>
    RateLimited,

    /// <summary><c>too-many-connections</c>: a per-user or per-document session limit.</summary>
    TooManyConnections,

    /// <summary><c>unauthorized</c>: no valid token.</summary>
    Unauthorized,
}
