using CrdtCollab.Progress.Domain;
using static CrdtCollab.Progress.Import.ImportSchema;

namespace CrdtCollab.Progress.Import;

/// <summary>
/// The checks that need more than one row or the project: duplicate keys, known drawings and
/// component types, and (in a component file that defines drawings) rows of one drawing that
/// disagree. It keeps keys and row numbers only — one entry per drawing and per component, never
/// the rows themselves — and the drawings the file defines, which the runner imports first.
/// </summary>
internal sealed class ImportValidator
{
    private readonly ImportSchema _schema;
    private readonly bool _definesDrawings;
    private readonly IReadOnlySet<string> _existingDrawings;
    private readonly IReadOnlyCollection<string> _types;
    private readonly Dictionary<string, (DrawingSpec Spec, long Row)> _drawings = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Drawing, string Component), long> _components = [];

    public ImportValidator(ImportSchema schema, bool definesDrawings, IReadOnlySet<string> existingDrawings, IReadOnlyCollection<string> componentTypes)
    {
        _schema = schema;
        _definesDrawings = definesDrawings;
        _existingDrawings = existingDrawings;
        _types = componentTypes;
    }

    /// <summary>The drawings a component file defines, by id.</summary>
    public IEnumerable<DrawingSpec> DefinedDrawings => _drawings.Values.Select(d => d.Spec).OrderBy(d => d.DrawingId, StringComparer.Ordinal);

    /// <summary>How many drawings the file defines.</summary>
    public int DefinedDrawingCount => _drawings.Count;

    /// <summary>Checks <paramref name="record"/> against the rows before it; false when it added errors.</summary>
    public bool Check(CsvRecord record, ImportReport report)
    {
        return _schema.Kind == ImportKind.Drawings ? CheckDrawing(record, report) : CheckComponent(record, report);
    }

    /// <summary>The drawing a drawing-file row describes.</summary>
    public static DrawingSpec DrawingOf(CsvRecord r) => new(r.Values[D.Drawing], r.Values[D.Title], r.Values[D.Area], r.Values[D.System]);

    /// <summary>The component a component-file row describes.</summary>
    public static ComponentSpec ComponentOf(CsvRecord r) => new(r.Values[C.Drawing], r.Values[C.Component], r.Values[C.Type], r[C.TestPackage], r[C.Description]);

    private bool CheckDrawing(CsvRecord record, ImportReport report)
    {
        var spec = DrawingOf(record);
        if (_drawings.TryGetValue(spec.DrawingId, out var first))
        {
            report.Add(record.Row, "drawing", $"drawing '{spec.DrawingId}' is already on row {first.Row}");
            return false;
        }
        // A drawing file's rows are applied by streaming the file again: only the key is kept.
        _drawings[spec.DrawingId] = (Placeholder, record.Row);
        return true;
    }

    private bool CheckComponent(CsvRecord record, ImportReport report)
    {
        var ok = true;
        var drawing = record.Values[C.Drawing];
        var component = record.Values[C.Component];
        if (_components.TryGetValue((drawing, component), out var firstRow))
        {
            report.Add(record.Row, "component", $"component '{component}' of drawing '{drawing}' is already on row {firstRow}");
            ok = false;
        }
        else
        {
            _components[(drawing, component)] = record.Row;
        }
        var type = record.Values[C.Type];
        if (!_types.Contains(type))
        {
            report.Add(record.Row, "type", $"type '{type}' has no milestone template; the types are: {string.Join(", ", _types.Order(StringComparer.Ordinal))}");
            ok = false;
        }
        if (_definesDrawings)
        {
            var spec = new DrawingSpec(drawing, record.Values[C.Title], record.Values[C.Area], record.Values[C.System]);
            if (!_drawings.TryGetValue(drawing, out var first))
            {
                _drawings[drawing] = (spec, record.Row);
            }
            else if (first.Spec != spec)
            {
                var (column, mine, theirs) = spec.AreaId != first.Spec.AreaId ? ("area", spec.AreaId, first.Spec.AreaId)
                    : spec.SystemId != first.Spec.SystemId ? ("system", spec.SystemId, first.Spec.SystemId)
                    : ("title", spec.Title, first.Spec.Title);
                report.Add(record.Row, column, $"drawing '{drawing}' has {column} '{theirs}' on row {first.Row}, '{mine}' here");
                ok = false;
            }
        }
        else if (!_existingDrawings.Contains(drawing))
        {
            report.Add(record.Row, "drawing", $"drawing '{drawing}' is not imported; import it first, or add area and system columns to import it with its components");
            ok = false;
        }
        return ok;
    }

    private static readonly DrawingSpec Placeholder = new("", "", "", "");
}
