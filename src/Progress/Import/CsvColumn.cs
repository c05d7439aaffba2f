namespace CrdtCollab.Progress.Import;

/// <summary>One column an import file may have: its header name, whether every row needs a value, and the value's shape.</summary>
public sealed record CsvColumn(string Name, bool Required, CsvValueKind Kind, int MaxLength, string Description);
