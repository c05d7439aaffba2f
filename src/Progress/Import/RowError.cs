using System.Text.Json.Serialization;

namespace CrdtCollab.Progress.Import;

/// <summary>
/// One problem found in an import file. <see cref="Row"/> counts records the way a spreadsheet
/// numbers them: the header is row 1, the first data row is row 2; 0 means the whole file.
/// </summary>
public sealed record RowError(
    [property: JsonPropertyName("row")] long Row,
    [property: JsonPropertyName("column")] string Column,
    [property: JsonPropertyName("message")] string Message);
