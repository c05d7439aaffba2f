namespace CrdtCollab.EventStore;

/// <summary>
/// Some, but not all, of a request's update ids were already stored: the request is neither new
/// nor a faithful retry, so nothing was written.
/// </summary>
public sealed class IdempotencyConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public IdempotencyConflictException() { }

    /// <summary>Creates the exception with a message.</summary>
    public IdempotencyConflictException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public IdempotencyConflictException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for a stream.</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="innerException">The database error.</param>
    public IdempotencyConflictException(Guid streamId, Exception? innerException)
        : base($"Stream {streamId}: the request mixes already-stored and new update ids.", innerException)
        => StreamId = streamId;

    /// <summary>The stream the request targeted.</summary>
    public Guid StreamId { get; }
}
