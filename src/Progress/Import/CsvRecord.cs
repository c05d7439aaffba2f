namespace CrdtCollab.Progress.Import;

/// <summary>A data row whose every field passed its column's checks; <see cref="Values"/> follows <see cref="ImportSchema.Columns"/> ("" where absent).</summary>
public sealed record CsvRecord(long Row, string[] Values)
{
    /// <summary>The value of column <paramref name="index"/>, or null when it is empty.</summary>
    public string? this[int index] => Values[index].Length == 0 ? null : Values[index];
}
