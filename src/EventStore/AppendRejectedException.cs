namespace CrdtCollab.EventStore;

/// <summary>
/// An append was refused before reaching the database because it breaks a limit in
/// <see cref="EventStoreOptions"/> (payload or batch too large, empty request, over-long names).
/// Nothing was written.
/// </summary>
public sealed class AppendRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AppendRejectedException() { }

    /// <summary>Creates the exception with a message.</summary>
    public AppendRejectedException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public AppendRejectedException(string message, Exception innerException) : base(message, innerException) { }
}
