using System.Text;
using CrdtCollab.Progress.Import;
using Xunit;

namespace CrdtCollab.Integration.Tests.Progress;

/// <summary>The streaming CSV reader on its own: what passes, and the exact row/column/message of what does not.</summary>
public sealed class CsvImportFileTests
{
    private static readonly ImportLimits Limits = new() { MaxFieldChars = 200, MaxRows = 1000 };

    private static async Task<(ImportSchema Schema, List<CsvRecord> Records, ImportReport Report)> ReadAsync(byte[] bytes, ImportLimits? limits = null)
    {
        var report = new ImportReport(100);
        await using var file = await CsvImportFile.OpenAsync(new MemoryStream(bytes), limits ?? Limits, CancellationToken.None);
        var records = new List<CsvRecord>();
        await foreach (var r in file.RecordsAsync(report, null, CancellationToken.None))
        {
            records.Add(r);
        }
        return (file.Schema, records, report);
    }

    private static Task<(ImportSchema Schema, List<CsvRecord> Records, ImportReport Report)> ReadAsync(string text, ImportLimits? limits = null) =>
        ReadAsync(Encoding.UTF8.GetBytes(text), limits);

    [Fact]
    public async Task A_drawing_file_reads_every_row_in_header_order_whatever_the_column_order()
    {
        var (schema, records, report) = await ReadAsync("Area, drawing ,system,title\nA1,P-100,S-01,Main header\nA2,\"P-101\",S-02,\"Pump, suction\"\n");
        Assert.Equal(ImportKind.Drawings, schema.Kind);
        Assert.Equal(0, report.ErrorCount);
        Assert.Equal(2, records.Count);
        Assert.Equal(2, records[0].Row);
        Assert.Equal("P-100", records[0][schema.IndexOf("drawing")]);
        Assert.Equal("A2", records[1][schema.IndexOf("area")]);
        Assert.Equal("Pump, suction", records[1][schema.IndexOf("title")]);
    }

    [Fact]
    public async Task A_component_column_makes_it_a_component_file()
    {
        var (schema, records, _) = await ReadAsync("drawing,component,type\nP-100,W-1,field-weld\n");
        Assert.Equal(ImportKind.Components, schema.Kind);
        Assert.Single(records);
    }

    [Fact]
    public async Task Each_bad_row_is_reported_with_its_row_column_and_message_and_the_good_rows_still_read()
    {
        var csv = string.Join('\n',
            "drawing,component,type,description",
            "P-100,W-1,field-weld,ok",                 // row 2: fine
            "P-100,W-2,field-weld",                    // row 3: 3 fields
            "P-100,W-3,valve,=SUM(A1:A9)",             // row 4: formula
            "P-100,,spool,",                           // row 5: component required
            "P 100!,W-5,spool,",                       // row 6: bad identifier
            "P-100,W-6,spool,@SUM(A1)",                // row 7: formula with @
            "P-100,W-7,spool," + new string('x', 501), // row 8: too long
            "P-100,W-8,support,-2in pipe");            // row 9: leading '-'
        var (_, records, report) = await ReadAsync(csv, new ImportLimits { MaxFieldChars = 1000 });
        Assert.Equal(["W-1"], records.Select(r => r.Values[1]));
        var errors = report.Errors();
        Assert.Equal(
        [
            (3L, ""), (4L, "description"), (5L, "component"), (6L, "drawing"), (7L, "description"), (8L, "description"), (9L, "description"),
        ], errors.Select(e => (e.Row, e.Column)));
        Assert.Contains("3 fields; the header has 4", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("formula", errors[1].Message, StringComparison.Ordinal);
        Assert.Equal("required", errors[2].Message);
        Assert.Contains("501 characters; at most 500", errors[5].Message, StringComparison.Ordinal);
        Assert.Equal(7, report.BadRowCount);
    }

    [Fact]
    public async Task An_unknown_column_refuses_the_file_and_names_the_known_ones()
    {
        var e = await Assert.ThrowsAsync<ImportFileException>(() => ReadAsync("drawing,area,system,colour\nP-1,A,S,red\n"));
        Assert.Equal(1, e.Error.Row);
        Assert.Equal("colour", e.Error.Column);
        Assert.Contains("drawing, title, area, system", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_required_column_refuses_the_file()
    {
        var e = await Assert.ThrowsAsync<ImportFileException>(() => ReadAsync("drawing,title\nP-1,x\n"));
        Assert.Contains("area, system", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_file_is_refused()
    {
        var e = await Assert.ThrowsAsync<ImportFileException>(() => ReadAsync(""));
        Assert.Contains("empty", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Windows_1252_file_is_refused_as_not_UTF8_at_the_row_where_it_shows()
    {
        // "Ø" in Windows-1252 is the single byte 0xD8, which is not valid UTF-8 on its own.
        var bytes = Encoding.Latin1.GetBytes("drawing,title,area,system\nP-1,plain,A,S\nP-2,\u00D8 200 header,A,S\n");
        var e = await Assert.ThrowsAsync<ImportFileException>(() => ReadAsync(bytes));
        Assert.Equal(3, e.Error.Row);
        Assert.Equal("title", e.Error.Column);
        Assert.Contains("not UTF-8", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_UTF8_byte_order_mark_and_non_ASCII_text_are_fine()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("drawing,title,area,system\nP-1,Ø 200 — Köln,A,S\n")).ToArray();
        var (_, records, report) = await ReadAsync(bytes);
        Assert.Equal(0, report.ErrorCount);
        Assert.Equal("Ø 200 — Köln", records.Single().Values[1]);
    }

    [Fact]
    public async Task An_unclosed_quote_before_megabytes_of_data_is_refused_without_buffering_the_file()
    {
        var text = "drawing,title,area,system\nP-1,\"never closed," + new string('x', 8 * 1024 * 1024) + "\n";
        var e = await Assert.ThrowsAsync<ImportFileException>(() => ReadAsync(text));
        Assert.Contains("longer than", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_rows_than_the_limit_refuse_the_file()
    {
        var text = "drawing,area,system\n" + string.Concat(Enumerable.Range(0, 11).Select(i => $"P-{i},A,S\n"));
        var e = await Assert.ThrowsAsync<ImportFileException>(() => ReadAsync(text, new ImportLimits { MaxRows = 10 }));
        Assert.Equal(12, e.Error.Row);
        Assert.Contains("more than 10", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_fields_in_a_row_is_a_row_error()
    {
        var (_, records, report) = await ReadAsync("drawing,area,system\nP-1,A,S,extra,more\n");
        Assert.Empty(records);
        Assert.Contains("5 fields; the header has 3", report.Errors().Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stray_quote_is_a_row_error()
    {
        var (_, records, report) = await ReadAsync("drawing,area,system\nP-1,A\"b,S\nP-2,A,S\n");
        Assert.Equal(["P-2"], records.Select(r => r.Values[0]));
        Assert.Equal(2, report.Errors().Single().Row);
    }

    [Fact]
    public async Task Progress_is_reported_while_a_large_file_streams()
    {
        var text = new StringBuilder("drawing,component,type\n");
        for (var i = 0; i < 5000; i++)
        {
            text.Append("P-").Append(i / 40).Append(",C-").Append(i).Append(",spool\n");
        }
        var seen = new List<ImportReadProgress>();
        var report = new ImportReport(10);
        await using var file = await CsvImportFile.OpenAsync(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), new ImportLimits { MaxRows = 10_000 }, CancellationToken.None);
        var count = 0;
        await foreach (var _ in file.RecordsAsync(report, new SyncProgress(seen.Add), CancellationToken.None))
        {
            count++;
        }
        Assert.Equal(5000, count);
        Assert.True(seen.Count >= 10, $"{seen.Count} progress reports");
        Assert.Equal(seen.Select(p => p.Rows).Order(), seen.Select(p => p.Rows));
        Assert.Equal(5000, seen[^1].Rows);
    }

    /// <summary>Calls back on the reporting thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<ImportReadProgress> report) : IProgress<ImportReadProgress>
    {
        public void Report(ImportReadProgress value) => report(value);
    }
}
