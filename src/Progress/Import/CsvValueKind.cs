namespace CrdtCollab.Progress.Import;

/// <summary>The shape a column's values must have.</summary>
public enum CsvValueKind
{
    /// <summary>
    /// A key (drawing number, area, component tag): starts with a letter or digit, then letters,
    /// digits and <c>. _ - / # ( )</c> and inner spaces. Starting with a letter or digit also rules
    /// out anything a spreadsheet would run as a formula.
    /// </summary>
    Identifier,

    /// <summary>Free text: no control characters, and no leading <c>= + - @</c> (formula injection).</summary>
    Text,
}
