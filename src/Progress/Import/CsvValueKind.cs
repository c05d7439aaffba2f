namespace CrdtCollab.Progress.Import;

/// <summary>The shape a column's values must have.</summary>
public enum CsvValueKind
{
    /// <summary>
    /// A key (drawing number, area, component tag): the model's item id rule, letters, digits and
    /// <c>. _ -</c> (<see cref="Domain.ProgressIds.IsValidItemId"/>), and never a leading <c>-</c>
    /// (a spreadsheet would take it for a formula).
    /// </summary>
    Identifier,

    /// <summary>Free text: no control characters, and no leading <c>= + - @</c> (formula injection).</summary>
    Text,
}
