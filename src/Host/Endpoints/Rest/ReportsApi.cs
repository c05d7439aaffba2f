using System.Globalization;
using System.Security.Claims;
using CrdtCollab.Host.Progress;
using CrdtCollab.Host.Security;
using CrdtCollab.Progress;
using CrdtCollab.Progress.Domain;
using CrdtCollab.Progress.Reports;

namespace CrdtCollab.Host.Endpoints.Rest;

/// <summary>
/// <c>GET /api/progress/projects/{id}/reports/weekly.csv|.pdf?from=yyyy-MM-dd&amp;to=yyyy-MM-dd&amp;stalledDays=N</c>:
/// the weekly report built from the Marten read models (defaults: the seven days ending today,
/// UTC, and 7 stalled days). Each download appends a <see cref="ReportIssued"/> event. Needs the
/// viewer role on the project.
/// </summary>
internal static class ReportsApi
{
    private const int DefaultStalledDays = 7;
    private const int MaxStalledDays = 365;

    public static void Map(WebApplication app)
    {
        var api = app.MapGroup("/api/progress/projects/{id}/reports").RequireAuthorization().WithTags("progress").WaitForProgressStore();
        api.MapGet("/weekly.csv", (string id, string? from, string? to, int? stalledDays, HttpContext context, ClaimsPrincipal principal, ProjectAccess access,
            WeeklyReportBuilder builder, ProgressCommands commands, TimeProvider time) =>
            ServeAsync("csv", id, from, to, stalledDays, context, principal, access, builder, commands, time))
            .WithSummary("The weekly report as CSV (from, to: yyyy-MM-dd; stalledDays)");
        api.MapGet("/weekly.pdf", (string id, string? from, string? to, int? stalledDays, HttpContext context, ClaimsPrincipal principal, ProjectAccess access,
            WeeklyReportBuilder builder, ProgressCommands commands, TimeProvider time) =>
            ServeAsync("pdf", id, from, to, stalledDays, context, principal, access, builder, commands, time))
            .WithSummary("The weekly report as PDF (from, to: yyyy-MM-dd; stalledDays)");
    }

    private static async Task<IResult> ServeAsync(string format, string id, string? fromText, string? toText, int? stalledDays, HttpContext context,
        ClaimsPrincipal principal, ProjectAccess access, WeeklyReportBuilder builder, ProgressCommands commands, TimeProvider time)
    {
        var ct = context.RequestAborted;
        if (await ProjectAuthorization.RequireAsync(id, principal, access, Role.Viewer, ct) is { } refused)
        {
            return refused;
        }
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (!TryDay(toText, today, out var to) || !TryDay(fromText, to.AddDays(-6), out var from))
        {
            return Results.Problem(statusCode: 400, title: "invalid-date", detail: "from and to are days as yyyy-MM-dd");
        }
        if (to < from || to.DayNumber - from.DayNumber >= WeeklyReportBuilder.MaxDays)
        {
            return Results.Problem(statusCode: 400, title: "invalid-period", detail: $"'from' must not be after 'to', and a report covers at most {WeeklyReportBuilder.MaxDays} days");
        }
        var stalled = stalledDays ?? DefaultStalledDays;
        if (stalled is < 1 or > MaxStalledDays)
        {
            return Results.Problem(statusCode: 400, title: "invalid-stalled-days", detail: $"stalledDays is 1-{MaxStalledDays}");
        }
        var report = await builder.BuildAsync(id, from, to, stalled, ct);
        if (report is null)
        {
            return ProjectAuthorization.NotFound(id);
        }
        await commands.IssueReportAsync(new ReportIssued(id, "wr-" + Guid.NewGuid().ToString("N")[..12], from, to, format,
            ProjectAuthorization.UserId(principal), time.GetUtcNow()), ct);

        // Rendered into memory first, so a failure is a clean 500 and not half a file.
        var buffer = new MemoryStream();
        if (format == "pdf")
        {
            WeeklyReportPdf.Write(report, buffer);
        }
        else
        {
            await WeeklyReportCsv.WriteAsync(report, buffer, ct);
        }
        buffer.Position = 0;
        var fileName = $"{id}-weekly-{Day(from)}-to-{Day(to)}.{format}";
        return Results.File(buffer, format == "pdf" ? "application/pdf" : "text/csv; charset=utf-8", fileName);
    }

    private static bool TryDay(string? text, DateOnly fallback, out DateOnly day)
    {
        if (string.IsNullOrEmpty(text))
        {
            day = fallback;
            return true;
        }
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
