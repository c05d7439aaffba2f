namespace CrdtCollab.Progress.Import;

/// <summary>
/// The columns of each import file (documented in this folder's README). Header names are
/// matched without regard to case or surrounding spaces; column order is free.
/// </summary>
public sealed class ImportSchema
{
    private const int IdLength = 64;
    private const int TextLength = 500;

    /// <summary>One row per drawing.</summary>
    public static readonly ImportSchema Drawings = new(ImportKind.Drawings,
    [
        new("drawing", true, CsvValueKind.Identifier, IdLength, "the drawing number, unique in the project"),
        new("title", false, CsvValueKind.Text, TextLength, "what the drawing shows"),
        new("area", true, CsvValueKind.Identifier, IdLength, "the plant area the drawing belongs to"),
        new("system", true, CsvValueKind.Identifier, IdLength, "the process system"),
        new("test_package", false, CsvValueKind.Identifier, IdLength, "the test package (hydrotest) it is tested with"),
    ]);

    /// <summary>One row per component; its drawing must be imported already (or in the same upload's drawing file before it).</summary>
    public static readonly ImportSchema Components = new(ImportKind.Components,
    [
        new("drawing", true, CsvValueKind.Identifier, IdLength, "the drawing number the component is on"),
        new("component", true, CsvValueKind.Identifier, IdLength, "the component's tag, unique on its drawing"),
        new("type", true, CsvValueKind.Identifier, IdLength, "spool, field_weld, support, valve, instrument, … (its milestone template)"),
        new("description", false, CsvValueKind.Text, TextLength, "size, material, anything for the crew"),
    ]);

    private ImportSchema(ImportKind kind, IReadOnlyList<CsvColumn> columns)
    {
        Kind = kind;
        Columns = columns;
    }

    /// <summary>Which file this is.</summary>
    public ImportKind Kind { get; }

    /// <summary>The columns, in the order <see cref="CsvRecord.Values"/> holds them.</summary>
    public IReadOnlyList<CsvColumn> Columns { get; }

    /// <summary>The index of <paramref name="name"/> in <see cref="Columns"/>, or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The schema a header belongs to: a <c>component</c> column means a component file.</summary>
    public static ImportSchema ForHeader(IEnumerable<string> header) =>
        header.Any(h => string.Equals(h.Trim(), "component", StringComparison.OrdinalIgnoreCase)) ? Components : Drawings;
}
