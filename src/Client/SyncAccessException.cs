namespace CrdtCollab.Client;

/// <summary>
/// The server refused this user the document: <c>forbidden</c> at join (no role on it) or
/// <c>revoked</c> while joined. The client stops re-joining (<see cref="SyncClientStatus.Revoked"/>).
/// </summary>
public sealed class SyncAccessException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SyncAccessException()
        : this("Access to the document was refused.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the server said.</param>
    public SyncAccessException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the server said.</param>
    /// <param name="innerException">The hub error it came from.</param>
    public SyncAccessException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
