namespace CrdtCollab.Progress.Import;

/// <summary>An upload passed <see cref="ImportLimits.MaxFileBytes"/>; nothing of it was kept.</summary>
public sealed class ImportTooLargeException : Exception
{
    /// <summary>Creates the exception for a limit of <paramref name="limit"/> bytes.</summary>
    public ImportTooLargeException(long limit)
        : base($"the file is larger than {limit:N0} bytes")
    {
        Limit = limit;
    }

    /// <summary>Creates the exception.</summary>
    public ImportTooLargeException()
        : this(0)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ImportTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ImportTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>The limit, in bytes.</summary>
    public long Limit { get; }
}
