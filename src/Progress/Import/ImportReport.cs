namespace CrdtCollab.Progress.Import;

/// <summary>
/// The per-row validation report of one import: the first <see cref="ImportLimits.MaxReportedErrors"/>
/// errors in file order, and how many there were in all. Written by the import while a status
/// request may read it, hence the lock.
/// </summary>
public sealed class ImportReport
{
    private readonly object _gate = new();
    private readonly List<RowError> _errors = [];
    private readonly int _maxErrors;
    private long _errorCount;
    private long _badRowCount;
    private long _lastBadRow = -1;

    /// <summary>Creates an empty report keeping at most <paramref name="maxErrors"/> errors.</summary>
    public ImportReport(int maxErrors)
    {
        _maxErrors = maxErrors;
    }

    /// <summary>Every error found, kept or not.</summary>
    public long ErrorCount
    {
        get
        {
            lock (_gate)
            {
                return _errorCount;
            }
        }
    }

    /// <summary>Rows with at least one error.</summary>
    public long BadRowCount
    {
        get
        {
            lock (_gate)
            {
                return _badRowCount;
            }
        }
    }

    /// <summary>Records an error.</summary>
    public void Add(long row, string column, string message)
    {
        lock (_gate)
        {
            _errorCount++;
            if (row > 0 && row != _lastBadRow)
            {
                _badRowCount++;
                _lastBadRow = row;
            }
            if (_errors.Count < _maxErrors)
            {
                _errors.Add(new RowError(row, column, message));
            }
        }
    }

    /// <summary>Records <paramref name="error"/>.</summary>
    public void Add(RowError error) => Add(error.Row, error.Column, error.Message);

    /// <summary>A copy of the errors kept so far.</summary>
    public IReadOnlyList<RowError> Errors()
    {
        lock (_gate)
        {
            return [.. _errors];
        }
    }
}
