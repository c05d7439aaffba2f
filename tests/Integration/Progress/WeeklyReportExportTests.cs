using System.Text;
using System.Text.RegularExpressions;
using CrdtCollab.Progress.Reports;
using Xunit;

namespace CrdtCollab.Integration.Tests.Progress;

/// <summary>
/// The weekly report's two exports, read back by independent tools: the PDF by poppler
/// (pdftotext, pdfinfo, pdftoppm), the CSV by the import reader's own CsvHelper.
/// </summary>
public sealed class WeeklyReportExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("crdtcollab-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WritePdf(WeeklyReport report)
    {
        var path = Path.Combine(_dir, "weekly.pdf");
        using (var file = File.Create(path))
        {
            WeeklyReportPdf.Write(report, file);
        }
        return path;
    }

    [Fact]
    public async Task The_PDF_has_the_project_header_the_tables_and_Page_i_of_N_on_every_page()
    {
        var report = ReportSamples.Make(drawings: 150);
        var path = WritePdf(report);

        var pages = await Poppler.PageCountAsync(path);
        var text = await Poppler.TextAsync(path);
        Assert.True(pages >= 3, $"150 drawings should need several pages, got {pages}");
        Assert.Contains("North Unit Revamp", text, StringComparison.Ordinal);
        Assert.Contains("2026-11-23 to 2026-11-29", text, StringComparison.Ordinal);
        Assert.Contains("Progress over time", text, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"P-1149\s+Line 149 piping\s+A1"), text);
        Assert.Contains("Stalled components", text, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"P-1003\s+S-9\s+spool\s+50\.0%"), text);
        // Each page carries its own number and the total pdfinfo reads.
        var numbers = Regex.Matches(text, @"Page (\d+) of (\d+)").Select(m => (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value))).ToList();
        Assert.Equal(Enumerable.Range(1, pages).Select(i => (i, pages)), numbers);
        // Text pages are separated by form feeds: page 1 holds the header.
        Assert.Contains("Weekly progress report", text.Split('\f')[0], StringComparison.Ordinal);

        var images = await Poppler.RenderAsync(path, Path.Combine(_dir, "page"));
        Assert.Equal(pages, images.Length);
        Assert.All(images, i => Assert.True(new FileInfo(i).Length > 1000, $"{i} is nearly empty"));
    }

    [Fact]
    public async Task A_report_with_no_activity_still_renders_one_page_with_its_notes()
    {
        var empty = ReportSamples.Make(drawings: 0) with { Users = [], Changes = [], ChangeCount = 0, Stalled = [], StalledCount = 0, BiggestMovers = [], History = [] };
        var path = WritePdf(empty);
        Assert.Equal(1, await Poppler.PageCountAsync(path));
        var text = await Poppler.TextAsync(path);
        Assert.Contains("No drawing changed in this period.", text, StringComparison.Ordinal);
        Assert.Contains("Page 1 of 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_CSV_escapes_formula_like_text_but_keeps_negative_numbers_numeric()
    {
        var report = ReportSamples.Make(drawings: 3, projectName: "+Plant", hostileTitle: "=HYPERLINK(\"http://evil\",\"x\")");
        using var buffer = new MemoryStream();
        await WeeklyReportCsv.WriteAsync(report, buffer, CancellationToken.None);
        var lines = Encoding.UTF8.GetString(buffer.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(string.Join(',', WeeklyReportCsv.Header), lines[0]);
        Assert.StartsWith("project,north-unit,\"'+Plant\",,31.5,36.25,4.75,", lines[1], StringComparison.Ordinal);
        var drawing = lines.First(l => l.StartsWith("drawing,P-1000,", StringComparison.Ordinal));
        Assert.Contains(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",", drawing, StringComparison.Ordinal);
        // P-1000 goes from 0 to -1: a number, not text with an apostrophe.
        Assert.EndsWith(",0,-1,-1,,,,,,", drawing, StringComparison.Ordinal);
        Assert.All(lines, l => Assert.Equal(WeeklyReportCsv.Header.Count - 1, CountSeparators(l)));
        Assert.Contains(lines, l => l.StartsWith("change,P-1000,,,0,100,100,alice,2026-11-24T08:00:00Z,W-0,Erect,,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("stalled,P-1003,spool,,,50,,,2026-11-10T09:00:00Z,S-9,,,19", StringComparison.Ordinal));
    }

    private static int CountSeparators(string line)
    {
        var count = 0;
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                count++;
            }
        }
        return count;
    }
}
