namespace CrdtCollab.Progress.Import;

/// <summary>Where an import is. The last three are final.</summary>
public enum ImportPhase
{
    /// <summary>Uploaded, waiting for the import before it.</summary>
    Queued,

    /// <summary>First pass: every row checked, nothing stored yet.</summary>
    Validating,

    /// <summary>Second pass: the valid file is being stored, chunk by chunk.</summary>
    Applying,

    /// <summary>Stored; the totals say what changed (nothing, for a file imported before).</summary>
    Succeeded,

    /// <summary>The file had errors (see the report); nothing was stored.</summary>
    Rejected,

    /// <summary>Storing stopped (storage failure, a concurrent import, shutdown); see the failure. Upload the same file again to finish: rows already stored are no-ops.</summary>
    Failed,
}
