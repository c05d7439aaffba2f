using System.Runtime.CompilerServices;
using System.Text.Unicode;
using CsvHelper;

namespace CrdtCollab.Progress.Import;

/// <summary>
/// Streams one import file: the header picks the <see cref="ImportSchema"/>, then each data row
/// is checked field by field and yielded only when it passed. Nothing but the current row is
/// held. Problems in a row go to the <see cref="ImportReport"/>; problems with the file itself
/// (not UTF-8, a bad header, a record or the row count past its limit) throw
/// <see cref="ImportFileException"/>.
/// </summary>
public sealed class CsvImportFile : IAsyncDisposable
{
    /// <summary>Rows between two progress reports: often enough for a smooth bar, rare enough to cost nothing.</summary>
    private const int ProgressEveryRows = 500;

    private readonly CsvReader _reader;
    private readonly ImportLimits _limits;
    private readonly long _totalBytes;
    private int[] _columnOf = [];
    private CsvMalformedReason? _malformed;

    private CsvImportFile(Stream stream, ImportLimits limits)
    {
        _limits = limits;
        _totalBytes = stream.CanSeek ? stream.Length : 0;
        _reader = CsvReader.Create(stream, new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            SkipEmptyLines = true,
            TrimWhitespace = true,
            // An unclosed quote would otherwise make the rest of the file one record held in memory.
            MaxRecordSize = MaxRecordBytes(limits),
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MalformedData = CsvMalformedDataHandling.Recover,
            OnMalformedRecord = record => _malformed ??= record.Reason,
            IncludeValuesInExceptions = false,
        }, leaveOpen: false);
        Schema = ImportSchema.Drawings;
    }

    /// <summary>The file's columns, known once <see cref="OpenAsync"/> has read the header.</summary>
    public ImportSchema Schema { get; private set; }

    /// <summary>Whether the rows define drawings: a drawing file, or a component file with area and system columns.</summary>
    public bool DefinesDrawings { get; private set; }

    /// <summary>Opens <paramref name="stream"/> (which this takes over) and reads its header.</summary>
    public static async Task<CsvImportFile> OpenAsync(Stream stream, ImportLimits limits, CancellationToken ct)
    {
        var file = new CsvImportFile(stream, limits);
        try
        {
            await file.ReadHeaderAsync(ct).ConfigureAwait(false);
            return file;
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The rows that passed their field checks, in file order; the others are in <paramref name="report"/>.</summary>
    public async IAsyncEnumerable<CsvRecord> RecordsAsync(ImportReport report, IProgress<ImportReadProgress>? progress, [EnumeratorCancellation] CancellationToken ct)
    {
        long rows = 0;
        while (await NextAsync(ct).ConfigureAwait(false))
        {
            rows++;
            // As a spreadsheet numbers it: the header is row 1.
            var row = _reader.RowNumber + 1;
            if (rows > _limits.MaxRows)
            {
                throw new ImportFileException(new RowError(row, "", $"the file has more than {_limits.MaxRows:N0} data rows; split it"));
            }
            if (rows % ProgressEveryRows == 0)
            {
                progress?.Report(new ImportReadProgress(rows, _reader.ByteOffset, _totalBytes));
            }
            if (Check(row, report) is { } record)
            {
                yield return record;
            }
        }
        progress?.Report(new ImportReadProgress(rows, _totalBytes, _totalBytes));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _reader.DisposeAsync();

    private static int MaxRecordBytes(ImportLimits limits) =>
        // Four bytes per char is the UTF-8 worst case; a few columns of the longest field fit.
        (int)Math.Min(int.MaxValue / 2, 8L * 4 * limits.MaxFieldChars + 4096);

    private async Task ReadHeaderAsync(CancellationToken ct)
    {
        try
        {
            await _reader.ReadHeaderAsync(ct).ConfigureAwait(false);
        }
        catch (CsvFormatException e)
        {
            throw Unreadable(e, 1);
        }
        var header = _reader.Headers;
        if (header.Count == 0 || header.All(string.IsNullOrWhiteSpace))
        {
            throw new ImportFileException(new RowError(0, "", "the file is empty: it needs a header row"));
        }
        foreach (var name in header)
        {
            // Header names come decoded, with bytes that are not UTF-8 replaced.
            if (name.Contains('\uFFFD', StringComparison.Ordinal))
            {
                throw NotUtf8(1, "");
            }
        }
        Schema = ImportSchema.ForHeader(header);
        _columnOf = new int[header.Count];
        var seen = new bool[Schema.Columns.Count];
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim();
            var index = Schema.IndexOf(name);
            if (index < 0)
            {
                var known = string.Join(", ", Schema.Columns.Select(c => c.Name));
                throw new ImportFileException(new RowError(1, Shorten(name), $"unknown column '{Shorten(name)}' in a {Schema.Kind.ToString().ToLowerInvariant()} file; the columns are: {known}"));
            }
            if (seen[index])
            {
                throw new ImportFileException(new RowError(1, Schema.Columns[index].Name, $"column '{Schema.Columns[index].Name}' appears twice"));
            }
            seen[index] = true;
            _columnOf[i] = index;
        }
        var missing = Schema.Columns.Where((c, i) => c.Required && !seen[i]).Select(c => c.Name).ToList();
        if (missing.Count > 0)
        {
            throw new ImportFileException(new RowError(1, missing[0], $"missing required column(s): {string.Join(", ", missing)}"));
        }
        if (Schema.Kind == ImportKind.Components && seen[ImportSchema.C.Area] != seen[ImportSchema.C.System])
        {
            throw new ImportFileException(new RowError(1, seen[ImportSchema.C.Area] ? "system" : "area",
                "a component file imports its drawings only with both an area and a system column"));
        }
        DefinesDrawings = Schema.Kind == ImportKind.Drawings || seen[ImportSchema.C.Area];
    }

    private async ValueTask<bool> NextAsync(CancellationToken ct)
    {
        _malformed = null;
        try
        {
            return await _reader.ReadAsync(ct).ConfigureAwait(false);
        }
        catch (CsvFormatException e)
        {
            throw Unreadable(e, _reader.RowNumber + 2);
        }
    }

    private ImportFileException Unreadable(CsvFormatException e, long row) =>
        new(new RowError(e.RecordNumber > 0 ? e.RecordNumber : row, "",
            $"a record at or after row {(e.RecordNumber > 0 ? e.RecordNumber : row)} is longer than {MaxRecordBytes(_limits):N0} bytes (an unclosed quote makes the rest of the file one field)"), e);

    private static ImportFileException NotUtf8(long row, string column) =>
        new(new RowError(row, column, $"the file is not UTF-8 (row {row}{(column.Length > 0 ? ", column " + column : "")} has bytes that are not UTF-8); save it as \"CSV UTF-8\" and upload it again"));

    private CsvRecord? Check(long row, ImportReport report)
    {
        var count = _reader.FieldCount;
        // Encoding first: a file in another encoding is refused whole, not row by row.
        for (var i = 0; i < count && i < _columnOf.Length; i++)
        {
            if (!Utf8.IsValid(_reader.GetSpan(i)))
            {
                throw NotUtf8(row, Schema.Columns[_columnOf[i]].Name);
            }
        }
        if (count > _columnOf.Length && !Utf8.IsValid(_reader.RawRecord))
        {
            throw NotUtf8(row, "");
        }
        if (_malformed is { } reason)
        {
            report.Add(row, "", reason switch
            {
                CsvMalformedReason.StrayQuote => "a quote inside an unquoted field; quote the whole field and double the quote (\"\")",
                CsvMalformedReason.TextAfterClosingQuote => "text after a closing quote",
                CsvMalformedReason.UnterminatedQuote => "a quoted field is never closed",
                _ => "badly quoted field",
            });
            return null;
        }
        if (count != _columnOf.Length)
        {
            report.Add(row, "", $"the row has {count} fields; the header has {_columnOf.Length}");
            return null;
        }
        var values = new string[Schema.Columns.Count];
        Array.Fill(values, "");
        var ok = true;
        for (var i = 0; i < count; i++)
        {
            var column = Schema.Columns[_columnOf[i]];
            var value = _reader.GetString(i) ?? "";
            if (FieldError(column, value) is { } message)
            {
                report.Add(row, column.Name, message);
                ok = false;
            }
            values[_columnOf[i]] = value;
        }
        for (var c = 0; c < values.Length; c++)
        {
            if (Schema.Columns[c].Required && values[c].Length == 0)
            {
                report.Add(row, Schema.Columns[c].Name, "required");
                ok = false;
            }
        }
        return ok ? new CsvRecord(row, values) : null;
    }

    private static string? FieldError(CsvColumn column, string value)
    {
        if (value.Length == 0)
        {
            return null;
        }
        if (value.Length > column.MaxLength)
        {
            return $"{value.Length} characters; at most {column.MaxLength}";
        }
        if (FormulaInjection.IsFormulaLike(value))
        {
            return $"starts with '{Printable(value[0])}', which spreadsheets run as a formula; remove the leading character";
        }
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return $"contains the control character U+{(int)c:X4}";
            }
        }
        return column.Kind == CsvValueKind.Identifier && !Domain.ProgressIds.IsValidItemId(value)
            ? "letters, digits, '.', '_' and '-' only"
            : null;
    }

    private static string Printable(char c) => c switch
    {
        '\t' => "\\t",
        '\r' => "\\r",
        _ => c.ToString(),
    };

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
