namespace CrdtCollab.EventStore;

/// <summary>
/// An append's expected version did not match the stream. Nothing was written and no global
/// position was consumed; the whole batch the request was part of was rejected.
/// </summary>
public sealed class ConcurrencyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConcurrencyException() { }

    /// <summary>Creates the exception with a message.</summary>
    public ConcurrencyException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public ConcurrencyException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for a stream whose version did not match.</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="expected">What the caller expected.</param>
    /// <param name="actual">The stream's version at that point of the batch.</param>
    /// <param name="innerException">The database error.</param>
    public ConcurrencyException(Guid streamId, ExpectedVersion expected, long actual, Exception? innerException = null)
        : base($"Stream {streamId}: expected version {expected}, actual {actual}.", innerException)
    {
        StreamId = streamId;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The stream whose check failed.</summary>
    public Guid StreamId { get; }

    /// <summary>What the caller expected.</summary>
    public ExpectedVersion Expected { get; }

    /// <summary>The stream's version when the check ran.</summary>
    public long Actual { get; }
}
