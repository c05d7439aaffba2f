namespace CrdtCollab.Progress.Import;

/// <summary>
/// The columns of each import file (documented in this folder's README). Header names are
/// matched without regard to case or surrounding spaces; column order is free.
/// </summary>
public sealed class ImportSchema
{
    private const int IdLength = Domain.ProgressIds.MaxItemIdLength;

    /// <summary>One row per drawing.</summary>
    public static readonly ImportSchema Drawings = new(ImportKind.Drawings,
    [
        new("drawing", true, CsvValueKind.Identifier, IdLength, "the drawing number, unique in the project"),
        new("title", false, CsvValueKind.Text, 200, "what the drawing shows"),
        new("area", true, CsvValueKind.Identifier, IdLength, "the plant area the drawing belongs to (created when new)"),
        new("system", true, CsvValueKind.Identifier, IdLength, "the process system (created when new)"),
    ]);

    /// <summary>
    /// One row per component. With <c>area</c> and <c>system</c> columns the file also imports
    /// the drawings it names (every row of a drawing must then agree on them), so one file can
    /// set up a project; without them, each drawing must have been imported before.
    /// </summary>
    public static readonly ImportSchema Components = new(ImportKind.Components,
    [
        new("drawing", true, CsvValueKind.Identifier, IdLength, "the drawing number the component is on"),
        new("component", true, CsvValueKind.Identifier, IdLength, "the component's tag, unique on its drawing"),
        new("type", true, CsvValueKind.Identifier, IdLength, "spool, field-weld, support, valve, instrument, … (a type with a milestone template)"),
        new("test_package", false, CsvValueKind.Identifier, IdLength, "the test package (hydrotest) it is tested with (created when new)"),
        new("description", false, CsvValueKind.Text, 500, "size, material, anything for the crew"),
        new("title", false, CsvValueKind.Text, 200, "the drawing's title (optional, with area and system)"),
        new("area", false, CsvValueKind.Identifier, IdLength, "the drawing's area: with system, imports the drawing too"),
        new("system", false, CsvValueKind.Identifier, IdLength, "the drawing's system: with area, imports the drawing too"),
    ]);

    /// <summary>Column indexes of the drawing file.</summary>
    internal static class D
    {
        public const int Drawing = 0, Title = 1, Area = 2, System = 3;
    }

    /// <summary>Column indexes of the component file.</summary>
    internal static class C
    {
        public const int Drawing = 0, Component = 1, Type = 2, TestPackage = 3, Description = 4, Title = 5, Area = 6, System = 7;
    }

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
