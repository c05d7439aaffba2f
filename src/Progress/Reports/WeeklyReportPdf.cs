using System.Globalization;
using CrdtCollab.Progress.Reports.Pdf;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace CrdtCollab.Progress.Reports;

/// <summary>
/// The weekly report as a PDF (PDFsharp 6.2.4, MIT): a project header with the period's totals,
/// the progress-over-time chart, then tables (areas, biggest movers, drawings changed, who
/// changed what, stalled components) that run over as many A4 pages as they need, each page
/// numbered "Page i of N".
/// </summary>
public static class WeeklyReportPdf
{
    /// <summary>Rows of the change list in the PDF; the CSV has every change.</summary>
    public const int MaxChangeRows = 300;

    /// <summary>Rows of the stalled list in the PDF.</summary>
    public const int MaxStalledRows = 300;

    private static readonly ReportTableColumn[] DeltaColumns =
        [new("Drawing", 16), new("Title", 34), new("Area", 14), new("From", 9, true), new("To", 9, true), new("Change", 10, true)];

    /// <summary>Renders <paramref name="report"/> and writes the PDF to <paramref name="destination"/> (left open).</summary>
    public static void Write(WeeklyReport report, Stream destination)
    {
        ReportFonts.EnsureInstalled();
        using var document = new PdfDocument();
        document.Info.Title = $"{report.ProjectName}: weekly progress {Day(report.From)} to {Day(report.To)}";
        document.Info.Subject = "Weekly construction progress report";
        document.Info.Creator = "CrdtCollab";
        document.Info.CreationDate = report.GeneratedAt.UtcDateTime;

        using (var flow = new ReportPageFlow(document))
        {
            Header(flow, report);
            Chart(flow, report);

            flow.Heading2("Areas");
            flow.Table([new("Area", 50), new("From", 15, true), new("To", 15, true), new("Change", 20, true)],
                report.Areas.Select(a => new[] { a.Name, Percent(a.FromPercent), Percent(a.ToPercent), Delta(a.Delta) }));

            flow.Heading2("Biggest movers");
            Deltas(flow, report.BiggestMovers, "No drawing changed in this period.");

            flow.Heading2($"Drawings changed ({report.Drawings.Count:N0})");
            Deltas(flow, report.Drawings, "No drawing changed in this period.");

            flow.Heading2("Who changed what");
            if (report.Users.Count == 0)
            {
                flow.Note("Nobody changed a milestone in this period.");
            }
            else
            {
                flow.Table([new("User", 40), new("Changes", 20, true), new("Drawings", 20, true), new("Components", 20, true)],
                    report.Users.Select(u => new[] { u.User, Count(u.Changes), Count(u.Drawings), Count(u.Components) }));
                flow.Heading2("Latest changes");
                var shown = Math.Min(report.Changes.Count, MaxChangeRows);
                if (report.ChangeCount > shown)
                {
                    flow.Note($"The {shown:N0} newest of {report.ChangeCount:N0} changes; the CSV export lists them all.");
                }
                flow.Table([new("When (UTC)", 17), new("User", 15), new("Drawing", 16), new("Component", 17), new("Milestone", 13), new("From", 11, true), new("To", 11, true)],
                    report.Changes.Take(shown).Select(c => new[]
                    {
                        c.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), c.User, c.Drawing, c.Component, c.Milestone,
                        Percent(c.From), Percent(c.To),
                    }));
            }

            flow.Heading2($"Stalled components (no change for {report.StalledDays} days or more)");
            if (report.StalledCount == 0)
            {
                flow.Note("No started component has stalled.");
            }
            else
            {
                var shown = Math.Min(report.Stalled.Count, MaxStalledRows);
                if (report.StalledCount > shown)
                {
                    flow.Note($"The {shown:N0} longest stalled of {report.StalledCount:N0}; the CSV export lists them all.");
                }
                flow.Table([new("Drawing", 20), new("Component", 22), new("Type", 16), new("Done", 12, true), new("Last change", 18, true), new("Days", 12, true)],
                    report.Stalled.Take(shown).Select(s => new[]
                    {
                        s.Drawing, s.Component, s.Type, Percent(s.Percent),
                        s.LastChange is { } at ? Day(DateOnly.FromDateTime(at.UtcDateTime)) : "never", Count(s.Days),
                    }));
            }
            flow.Finish($"{report.ProjectName} · weekly report {Day(report.From)} to {Day(report.To)}");
        }
        document.Save(destination, closeStream: false);
    }

    private static void Header(ReportPageFlow flow, WeeklyReport report)
    {
        var g = flow.Graphics;
        var text = new XSolidBrush(ReportColors.Text);
        var muted = new XSolidBrush(ReportColors.Muted);
        g.DrawString("Weekly progress report", flow.Bold, muted, ReportPageFlow.Margin, flow.Y + 10);
        g.DrawString(flow.Fit(report.ProjectName, new XFont(ReportFonts.Family, 20, XFontStyleEx.Bold), flow.Width), new XFont(ReportFonts.Family, 20, XFontStyleEx.Bold), text, ReportPageFlow.Margin, flow.Y + 34);
        g.DrawString($"Project {report.ProjectId} · {Day(report.From)} to {Day(report.To)} · generated {report.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC",
            flow.Body, muted, ReportPageFlow.Margin, flow.Y + 50);
        flow.Y += 62;

        // Four totals side by side.
        var boxes = new (string Label, string Value)[]
        {
            ("Progress", $"{Percent(report.Project.FromPercent)} → {Percent(report.Project.ToPercent)}"),
            ("Change", Delta(report.Project.Delta)),
            ("Milestone changes", Count(report.ChangeCount)),
            ("Stalled components", Count(report.StalledCount)),
        };
        var width = (flow.Width - 3 * 8) / boxes.Length;
        var value = new XFont(ReportFonts.Family, 14, XFontStyleEx.Bold);
        for (var i = 0; i < boxes.Length; i++)
        {
            var x = ReportPageFlow.Margin + i * (width + 8);
            g.DrawRectangle(new XSolidBrush(ReportColors.Band), x, flow.Y, width, 42);
            g.DrawString(boxes[i].Label, flow.Body, muted, x + 8, flow.Y + 14);
            g.DrawString(boxes[i].Value, value, text, x + 8, flow.Y + 33);
        }
        flow.Y += 52;
    }

    private static void Chart(ReportPageFlow flow, WeeklyReport report)
    {
        flow.Heading2("Progress over time");
        const double Height = 170;
        flow.Reserve(Height);
        ProgressChart.Draw(flow.Graphics, new XRect(ReportPageFlow.Margin, flow.Y, flow.Width, Height), report.History, report.From, report.To, flow.Body);
        flow.Y += Height + 6;
        flow.Note("Project progress (percent by weight) at the end of each day; the shaded band is this report's period.");
    }

    private static void Deltas(ReportPageFlow flow, IReadOnlyList<ProgressDelta> rows, string none)
    {
        if (rows.Count == 0)
        {
            flow.Note(none);
            return;
        }
        flow.Table(DeltaColumns, rows.Select(d => new[] { d.Key, d.Name, d.Area, Percent(d.FromPercent), Percent(d.ToPercent), Delta(d.Delta) }));
    }

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Percent(double p) => p.ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Delta(double d) => (d >= 0 ? "+" : "") + d.ToString("0.0", CultureInfo.InvariantCulture) + " pts";

    private static string Count(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
