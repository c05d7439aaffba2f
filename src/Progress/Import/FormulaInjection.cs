namespace CrdtCollab.Progress.Import;

/// <summary>
/// Spreadsheets run a cell that starts with <c>= + - @</c> (and, after trimming, a tab or carriage
/// return) as a formula, so such text is refused on import and escaped on export (OWASP's
/// "CSV injection": a leading apostrophe makes the cell plain text).
/// </summary>
public static class FormulaInjection
{
    private const string Triggers = "=+-@\t\r";

    /// <summary>True when a spreadsheet could take <paramref name="cell"/> for a formula.</summary>
    public static bool IsFormulaLike(string cell) => cell.Length > 0 && Triggers.Contains(cell[0], StringComparison.Ordinal);

    /// <summary>The text, with a leading apostrophe when it could be taken for a formula.</summary>
    public static string Escape(string cell) => IsFormulaLike(cell) ? "'" + cell : cell;
}
