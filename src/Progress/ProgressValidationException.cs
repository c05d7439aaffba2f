namespace CrdtCollab.Progress;

/// <summary>A command was refused: its input breaks a rule of the model. Nothing was stored.</summary>
public sealed class ProgressValidationException : Exception
{
    /// <summary>Creates the exception with the list of problems.</summary>
    public ProgressValidationException(IReadOnlyList<string> errors)
        : base(errors.Count == 1 ? errors[0] : $"{errors.Count} problems: {string.Join("; ", errors.Take(10))}")
    {
        Errors = errors;
    }

    /// <summary>Creates the exception.</summary>
    public ProgressValidationException()
        : this(["invalid input"])
    {
    }

    /// <summary>Creates the exception with one problem.</summary>
    public ProgressValidationException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception with one problem and its cause.</summary>
    public ProgressValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Every problem found, one sentence each.</summary>
    public IReadOnlyList<string> Errors { get; }
}
