using System.Diagnostics.Metrics;
using CrdtCollab.Host.Commit;

namespace CrdtCollab.Host.Observability;

/// <summary>
/// Import progress (<c>crdtcollab.import.rows</c>): whatever imports documents or history in bulk
/// reports the rows it has handled, so an operator can watch a long import move and see failures.
/// Resolve it from the container; tag values are the caller's (keep them few: a source kind, not a file name).
/// </summary>
internal sealed class ImportMetrics
{
    /// <summary>Outcome tag values.</summary>
    public const string Imported = "imported";
    public const string Skipped = "skipped";
    public const string Failed = "failed";

    private readonly Counter<long> _rows;

    public ImportMetrics(SyncMetrics metrics)
    {
        _rows = metrics.Meter.CreateCounter<long>("crdtcollab.import.rows", unit: "{row}", description: "Rows an import has handled, by source and outcome");
    }

    /// <param name="source">What is being imported (e.g. <c>yjs-updates</c>, <c>marten</c>).</param>
    /// <param name="rows">How many rows this call reports.</param>
    /// <param name="outcome"><see cref="Imported"/>, <see cref="Skipped"/> or <see cref="Failed"/>.</param>
    public void Rows(string source, long rows, string outcome = Imported) =>
        _rows.Add(rows, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("outcome", outcome));
}
