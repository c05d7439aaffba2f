namespace CrdtCollab.Progress.Import;

/// <summary>
/// One upload being imported: its phase, counters and report. The worker writes it, status
/// requests and progress streams read <see cref="Snapshot"/>; every change bumps a version and
/// wakes <see cref="WaitForChangeAsync"/>, which is what the live progress bar follows.
/// </summary>
public sealed class ImportJob
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private TaskCompletionSource _changed = NewSignal();
    private ImportPhase _phase = ImportPhase.Queued;
    private ImportKind? _kind;
    private long _rowsRead;
    private long _rowsValid;
    private long _rowsApplied;
    private double _validatedFraction;
    private ImportTotals _totals = ImportTotals.None;
    private string? _failure;
    private DateTimeOffset? _finishedAt;
    private long _version;

    /// <summary>Creates a queued job for the upload stored at <paramref name="path"/>.</summary>
    public ImportJob(string projectId, string user, string fileName, string path, long bytes, int maxReportedErrors, TimeProvider time)
    {
        _time = time;
        Id = "imp-" + Guid.NewGuid().ToString("N")[..16];
        ProjectId = projectId;
        User = user;
        FileName = fileName;
        Path = path;
        Bytes = bytes;
        Report = new ImportReport(maxReportedErrors);
        CreatedAt = time.GetUtcNow();
    }

    /// <summary>The import id in URLs.</summary>
    public string Id { get; }

    /// <summary>The project imported into.</summary>
    public string ProjectId { get; }

    /// <summary>Who uploaded it.</summary>
    public string User { get; }

    /// <summary>The uploaded file's name, as the client gave it (display only).</summary>
    public string FileName { get; }

    /// <summary>The temporary copy of the upload; deleted when the import ends.</summary>
    public string Path { get; }

    /// <summary>Size of the upload.</summary>
    public long Bytes { get; }

    /// <summary>When it was uploaded.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>The per-row validation report.</summary>
    public ImportReport Report { get; }

    /// <summary>Whether the job is over.</summary>
    public bool Done
    {
        get
        {
            lock (_gate)
            {
                return _phase is ImportPhase.Succeeded or ImportPhase.Rejected or ImportPhase.Failed;
            }
        }
    }

    /// <summary>The current state, for JSON.</summary>
    public ImportStatus Snapshot()
    {
        lock (_gate)
        {
            var done = _phase is ImportPhase.Succeeded or ImportPhase.Rejected or ImportPhase.Failed;
            // Validation is the first half of the bar, storing the second.
            var percent = _phase switch
            {
                ImportPhase.Queued => 0,
                ImportPhase.Validating => 50 * _validatedFraction,
                ImportPhase.Applying => 50 + (_rowsValid == 0 ? 50 : 50.0 * _rowsApplied / _rowsValid),
                _ => 100,
            };
            return new ImportStatus(Id, ProjectId, FileName, Bytes, User, _kind?.ToString().ToLowerInvariant(),
                _phase.ToString().ToLowerInvariant(), done, Math.Round(percent, 1), _rowsRead, _rowsValid, _rowsApplied,
                Report.ErrorCount, Report.BadRowCount, Report.Errors(), _totals, _failure, CreatedAt, _finishedAt, _version);
        }
    }

    /// <summary>Completes when the job changes after <paramref name="version"/> (at once if it has).</summary>
    public Task WaitForChangeAsync(long version, CancellationToken ct)
    {
        Task signal;
        lock (_gate)
        {
            if (_version != version)
            {
                return Task.CompletedTask;
            }
            signal = _changed.Task;
        }
        return signal.WaitAsync(ct);
    }

    internal void Validating(ImportKind kind) => Change(() =>
    {
        _phase = ImportPhase.Validating;
        _kind = kind;
    });

    internal void Read(ImportReadProgress progress) => Change(() =>
    {
        _rowsRead = progress.Rows;
        _validatedFraction = progress.TotalBytes > 0 ? Math.Clamp((double)progress.Bytes / progress.TotalBytes, 0, 1) : 0;
    });

    internal void Applying(long validRows) => Change(() =>
    {
        _phase = ImportPhase.Applying;
        _rowsValid = validRows;
    });

    internal void Applied(int rows, ImportResult result) => Change(() =>
    {
        _rowsApplied += rows;
        _totals = _totals.Add(result);
    });

    internal void Finish(ImportPhase phase, string? failure = null) => Change(() =>
    {
        _phase = phase;
        _failure = failure;
        _finishedAt = _time.GetUtcNow();
    });

    private void Change(Action update)
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            update();
            _version++;
            woken = _changed;
            _changed = NewSignal();
        }
        woken.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
