namespace CrdtCollab.Progress.Import;

/// <summary>
/// The file as a whole cannot be read (not UTF-8, a bad header, a field or row count past its
/// limit): reading stops at once and nothing is imported.
/// </summary>
public sealed class ImportFileException : Exception
{
    /// <summary>Creates the exception for <paramref name="error"/>.</summary>
    public ImportFileException(RowError error)
        : base(error.Message)
    {
        Error = error;
    }

    /// <summary>Creates the exception for <paramref name="error"/> caused by <paramref name="inner"/>.</summary>
    public ImportFileException(RowError error, Exception inner)
        : base(error.Message, inner)
    {
        Error = error;
    }

    /// <summary>Where and what.</summary>
    public RowError Error { get; }
}
