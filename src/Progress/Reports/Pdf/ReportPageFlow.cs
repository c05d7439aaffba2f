using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace CrdtCollab.Progress.Reports.Pdf;

/// <summary>
/// Top-to-bottom layout over A4 pages: headings, paragraphs and tables whose header repeats on
/// each page they run onto. Page numbers are drawn at the end (<see cref="Finish"/>), once the
/// page count is known.
/// </summary>
internal sealed class ReportPageFlow : IDisposable
{
    public const double Margin = 40;
    private const double FooterHeight = 24;
    private const double RowHeight = 14;

    private readonly PdfDocument _document;
    private XGraphics? _graphics;

    public ReportPageFlow(PdfDocument document)
    {
        _document = document;
        Body = new XFont(ReportFonts.Family, 8.5);
        Bold = new XFont(ReportFonts.Family, 8.5, XFontStyleEx.Bold);
        Heading = new XFont(ReportFonts.Family, 13, XFontStyleEx.Bold);
        NewPage();
    }

    public XFont Body { get; }

    public XFont Bold { get; }

    public XFont Heading { get; }

    public XGraphics Graphics => _graphics!;

    public double Y { get; set; }

    public double Width => Graphics.PageSize.Width - 2 * Margin;

    private double Bottom => Graphics.PageSize.Height - Margin - FooterHeight;

    /// <summary>Starts a new page unless <paramref name="height"/> points still fit on this one.</summary>
    public void Reserve(double height)
    {
        if (Y + height > Bottom)
        {
            NewPage();
        }
    }

    public void Heading2(string text)
    {
        Reserve(26 + 3 * RowHeight);
        Y += 10;
        Graphics.DrawString(text, Heading, new XSolidBrush(ReportColors.Text), Margin, Y + 12);
        Y += 20;
    }

    public void Note(string text)
    {
        Reserve(RowHeight);
        Graphics.DrawString(Fit(text, Body, Width), Body, new XSolidBrush(ReportColors.Muted), Margin, Y + 10);
        Y += RowHeight;
    }

    /// <summary>A table; a cell that starts with "+" or "-" followed by a digit is coloured as a delta.</summary>
    public void Table(IReadOnlyList<ReportTableColumn> columns, IEnumerable<string[]> rows)
    {
        var total = columns.Sum(c => c.Width);
        var widths = columns.Select(c => c.Width / total * Width).ToArray();
        TableHeader(columns, widths);
        var band = false;
        foreach (var row in rows)
        {
            if (Y + RowHeight > Bottom)
            {
                NewPage();
                TableHeader(columns, widths);
                band = false;
            }
            if (band)
            {
                Graphics.DrawRectangle(new XSolidBrush(ReportColors.Band), Margin, Y, Width, RowHeight);
            }
            band = !band;
            var x = Margin;
            for (var i = 0; i < columns.Count; i++)
            {
                Cell(row[i], Body, ColorOf(row[i], columns[i]), x, widths[i], columns[i].Right);
                x += widths[i];
            }
            Y += RowHeight;
        }
        Y += 4;
    }

    /// <summary>Draws "Page i of N" and the report line at the foot of every page.</summary>
    public void Finish(string footer)
    {
        _graphics?.Dispose();
        _graphics = null;
        var count = _document.PageCount;
        var brush = new XSolidBrush(ReportColors.Muted);
        for (var i = 0; i < count; i++)
        {
            using var g = XGraphics.FromPdfPage(_document.Pages[i], XGraphicsPdfPageOptions.Append);
            var y = g.PageSize.Height - Margin;
            var width = g.PageSize.Width - 2 * Margin;
            g.DrawLine(new XPen(ReportColors.Rule, 0.5), Margin, y - 12, g.PageSize.Width - Margin, y - 12);
            g.DrawString(Fit(g, footer, Body, width * 0.7), Body, brush, Margin, y);
            g.DrawString($"Page {i + 1} of {count}", Body, brush, new XRect(Margin, y - 10, g.PageSize.Width - 2 * Margin, 12), XStringFormats.BottomRight);
        }
    }

    public void Dispose() => _graphics?.Dispose();

    /// <summary>Cuts <paramref name="text"/> with an ellipsis so it fits <paramref name="width"/>.</summary>
    public string Fit(string text, XFont font, double width) => Fit(Graphics, text, font, width);

    private static string Fit(XGraphics g, string text, XFont font, double width)
    {
        if (g.MeasureString(text, font).Width <= width)
        {
            return text;
        }
        var lo = 0;
        var hi = text.Length;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (g.MeasureString(text[..mid] + "…", font).Width <= width)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return text[..lo] + "…";
    }

    private void NewPage()
    {
        _graphics?.Dispose();
        var page = _document.AddPage();
        page.Size = PageSize.A4;
        _graphics = XGraphics.FromPdfPage(page);
        Y = Margin;
    }

    private void TableHeader(IReadOnlyList<ReportTableColumn> columns, double[] widths)
    {
        var x = Margin;
        for (var i = 0; i < columns.Count; i++)
        {
            Cell(columns[i].Title, Bold, ReportColors.Muted, x, widths[i], columns[i].Right);
            x += widths[i];
        }
        Y += RowHeight;
        Graphics.DrawLine(new XPen(ReportColors.Rule, 0.75), Margin, Y - 1, Margin + Width, Y - 1);
    }

    private void Cell(string text, XFont font, XColor color, double x, double width, bool right)
    {
        const double Pad = 3;
        var fitted = Fit(text, font, width - 2 * Pad);
        var rect = new XRect(x + Pad, Y, width - 2 * Pad, RowHeight);
        Graphics.DrawString(fitted, font, new XSolidBrush(color), rect, right ? XStringFormats.CenterRight : XStringFormats.CenterLeft);
    }

    private static XColor ColorOf(string cell, ReportTableColumn column) =>
        column.Right && cell.Length > 1 && char.IsAsciiDigit(cell[1]) && cell[0] is '+' or '-'
            ? (cell[0] == '+' ? ReportColors.Accent : ReportColors.Negative)
            : ReportColors.Text;
}
