using System.Globalization;
using CsvHelper;

namespace CrdtCollab.Progress.Reports;

/// <summary>
/// The weekly report as one CSV table: a <c>section</c> column says what each row is
/// (project, area, drawing, mover, user, change, stalled), so it sorts and filters in a
/// spreadsheet and still parses as plain RFC 4180. Text cells that a spreadsheet would run as a
/// formula (leading <c>= + - @</c>, tab, CR) get a leading apostrophe; numbers are written as
/// numbers, so a negative delta stays a number.
/// </summary>
public static class WeeklyReportCsv
{
    /// <summary>The header row.</summary>
    public static readonly IReadOnlyList<string> Header =
        ["section", "key", "name", "area", "from_percent", "to_percent", "delta", "user", "at", "component", "milestone", "count", "days"];

    private static readonly CsvWriterOptions Options = new()
    {
        Injection = CsvInjection.Escape,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    /// <summary>Writes <paramref name="report"/> to <paramref name="destination"/> (left open).</summary>
    public static async Task WriteAsync(WeeklyReport report, Stream destination, CancellationToken ct)
    {
        await using var csv = CsvWriter.Create(destination, Options, leaveOpen: true);
        foreach (var h in Header)
        {
            csv.WriteField(h);
        }
        await csv.EndRecordAsync(ct).ConfigureAwait(false);

        await Row(csv, "project", report.ProjectId, report.ProjectName, "", report.Project, ct, count: report.ChangeCount).ConfigureAwait(false);
        foreach (var a in report.Areas)
        {
            await Row(csv, "area", a.Key, a.Name, a.Key, a, ct).ConfigureAwait(false);
        }
        foreach (var d in report.Drawings)
        {
            await Row(csv, "drawing", d.Key, d.Name, d.Area, d, ct).ConfigureAwait(false);
        }
        foreach (var d in report.BiggestMovers)
        {
            await Row(csv, "mover", d.Key, d.Name, d.Area, d, ct).ConfigureAwait(false);
        }
        foreach (var u in report.Users)
        {
            Text(csv, "user", u.User, "", "");
            Empty(csv, 3);
            csv.WriteField(u.User);
            Empty(csv, 3);
            csv.WriteField(u.Changes);
            csv.WriteField("");
            await csv.EndRecordAsync(ct).ConfigureAwait(false);
        }
        foreach (var c in report.Changes)
        {
            Text(csv, "change", c.Drawing, "", "");
            csv.WriteField(c.From);
            csv.WriteField(c.To);
            csv.WriteField(Math.Round(c.To - c.From, 2));
            csv.WriteField(c.User);
            csv.WriteField(c.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            csv.WriteField(c.Component);
            csv.WriteField(c.Milestone);
            Empty(csv, 2);
            await csv.EndRecordAsync(ct).ConfigureAwait(false);
        }
        foreach (var s in report.Stalled)
        {
            Text(csv, "stalled", s.Drawing, s.Type, "");
            Empty(csv, 1);
            csv.WriteField(Math.Round(s.Percent, 2));
            Empty(csv, 2);
            csv.WriteField(s.LastChange is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "");
            csv.WriteField(s.Component);
            Empty(csv, 2);
            csv.WriteField(s.Days);
            await csv.EndRecordAsync(ct).ConfigureAwait(false);
        }
        await csv.FlushAsync(ct).ConfigureAwait(false);
    }

    private static async Task Row(CsvWriter csv, string section, string key, string name, string area, ProgressDelta d, CancellationToken ct, int? count = null)
    {
        Text(csv, section, key, name, area);
        csv.WriteField(Math.Round(d.FromPercent, 2));
        csv.WriteField(Math.Round(d.ToPercent, 2));
        csv.WriteField(Math.Round(d.Delta, 2));
        Empty(csv, 4);
        if (count is { } n)
        {
            csv.WriteField(n);
        }
        else
        {
            csv.WriteField("");
        }
        csv.WriteField("");
        await csv.EndRecordAsync(ct).ConfigureAwait(false);
    }

    private static void Text(CsvWriter csv, string section, string key, string name, string area)
    {
        csv.WriteField(section);
        csv.WriteField(key);
        csv.WriteField(name);
        csv.WriteField(area);
    }

    private static void Empty(CsvWriter csv, int fields)
    {
        for (var i = 0; i < fields; i++)
        {
            csv.WriteField("");
        }
    }
}
