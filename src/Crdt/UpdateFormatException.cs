namespace CrdtCollab.Crdt;

/// <summary>
/// The one exception type raised for malformed, truncated or oversized binary input
/// (updates, state vectors, sync and awareness messages). The message says what is wrong
/// and <see cref="Offset"/> says where; the document the input was applied to is unchanged.
/// </summary>
public sealed class UpdateFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UpdateFormatException() { }

    /// <summary>Creates the exception with a message.</summary>
    public UpdateFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public UpdateFormatException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a message and the byte offset it refers to.</summary>
    public UpdateFormatException(string message, int offset) : base($"{message} (at byte {offset})") => Offset = offset;

    /// <summary>Byte offset into the input where the problem was found, or -1 if unknown.</summary>
    public int Offset { get; } = -1;
}
