using System.Globalization;
using PdfSharp.Drawing;

namespace CrdtCollab.Progress.Reports.Pdf;

/// <summary>
/// The progress-over-time chart, drawn with PDFsharp's own vector graphics (no plotting library,
/// no raster image): the project's percent per day, a grid every 10 points, date labels.
/// </summary>
internal static class ProgressChart
{
    public static void Draw(XGraphics g, XRect area, IReadOnlyList<ProgressPoint> points, DateOnly from, DateOnly to, XFont font)
    {
        var labels = new XSolidBrush(ReportColors.Muted);
        var plot = new XRect(area.X + 30, area.Y + 6, area.Width - 40, area.Height - 24);
        var (low, high) = Range(points);
        var grid = new XPen(ReportColors.Rule, 0.5);
        for (var v = low; v <= high; v += 10)
        {
            var y = Y(plot, v, low, high);
            g.DrawLine(grid, plot.Left, y, plot.Right, y);
            g.DrawString(v.ToString("0", CultureInfo.InvariantCulture) + "%", font, labels, new XRect(area.X, y - 6, 26, 12), XStringFormats.CenterRight);
        }
        g.DrawRectangle(new XPen(ReportColors.Rule, 0.75), plot);
        if (points.Count == 0)
        {
            g.DrawString("no history yet", font, labels, plot, XStringFormats.Center);
            return;
        }
        var first = points[0].Date;
        var last = points[^1].Date;
        var days = Math.Max(1, last.DayNumber - first.DayNumber);
        double X(DateOnly d) => plot.Left + (d.DayNumber - first.DayNumber) / (double)days * plot.Width;

        // The report period, shaded, so the chart shows where the week sits in the history.
        var periodFrom = Math.Clamp(X(from), plot.Left, plot.Right);
        var periodTo = Math.Clamp(X(to), plot.Left, plot.Right);
        if (periodTo > periodFrom)
        {
            g.DrawRectangle(new XSolidBrush(XColor.FromArgb(40, ReportColors.Accent)), periodFrom, plot.Top, periodTo - periodFrom, plot.Height);
        }

        var line = points.Select(p => new XPoint(X(p.Date), Y(plot, p.Percent, low, high))).ToArray();
        if (line.Length > 1)
        {
            g.DrawLines(new XPen(ReportColors.Accent, 1.5), line);
        }
        if (line.Length <= 60)
        {
            var dot = new XSolidBrush(ReportColors.Accent);
            foreach (var p in line)
            {
                g.DrawEllipse(dot, p.X - 1.6, p.Y - 1.6, 3.2, 3.2);
            }
        }
        var step = Math.Max(1, points.Count / 6);
        for (var i = 0; i < points.Count; i += step)
        {
            DateLabel(g, points[i].Date, X(points[i].Date), plot.Bottom, font, labels);
        }
        if ((points.Count - 1) % step != 0)
        {
            DateLabel(g, last, X(last), plot.Bottom, font, labels);
        }
    }

    private static void DateLabel(XGraphics g, DateOnly date, double x, double y, XFont font, XBrush brush) =>
        g.DrawString(date.ToString("MM-dd", CultureInfo.InvariantCulture), font, brush, new XRect(x - 20, y + 2, 40, 12), XStringFormats.TopCenter);

    private static double Y(XRect plot, double value, double low, double high) =>
        plot.Bottom - (value - low) / (high - low) * plot.Height;

    /// <summary>The value axis: whole tens around the data, at least 10 points tall, within 0-100.</summary>
    private static (double Low, double High) Range(IReadOnlyList<ProgressPoint> points)
    {
        if (points.Count == 0)
        {
            return (0, 100);
        }
        var low = Math.Floor(points.Min(p => p.Percent) / 10) * 10;
        var high = Math.Ceiling(points.Max(p => p.Percent) / 10) * 10;
        if (high - low < 10)
        {
            high = Math.Min(100, low + 10);
            low = high - 10;
        }
        return (Math.Max(0, low), Math.Min(100, high));
    }
}
