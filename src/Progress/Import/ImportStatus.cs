using System.Text.Json.Serialization;

namespace CrdtCollab.Progress.Import;

/// <summary>What <c>GET /api/progress/projects/{id}/imports/{importId}</c> returns and the progress events carry.</summary>
public sealed record ImportStatus(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("projectId")] string ProjectId,
    [property: JsonPropertyName("fileName")] string FileName,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("kind")] string? Kind,
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("done")] bool Done,
    [property: JsonPropertyName("percent")] double Percent,
    [property: JsonPropertyName("rowsRead")] long RowsRead,
    [property: JsonPropertyName("rowsValid")] long RowsValid,
    [property: JsonPropertyName("rowsApplied")] long RowsApplied,
    [property: JsonPropertyName("errorCount")] long ErrorCount,
    [property: JsonPropertyName("badRows")] long BadRows,
    [property: JsonPropertyName("errors")] IReadOnlyList<RowError> Errors,
    [property: JsonPropertyName("totals")] ImportTotals Totals,
    [property: JsonPropertyName("failure")] string? Failure,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("finishedAt")] DateTimeOffset? FinishedAt,
    [property: JsonPropertyName("version")] long Version);
