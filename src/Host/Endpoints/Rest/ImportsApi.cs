using System.Security.Claims;
using System.Text.Json;
using CrdtCollab.Host.Progress;
using CrdtCollab.Host.Security;
using CrdtCollab.Progress.Import;
using CrdtCollab.Progress.Queries;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CrdtCollab.Host.Endpoints.Rest;

/// <summary>
/// <c>/api/progress/projects/{id}/imports</c>: upload a drawing or component CSV (the request body, as
/// <c>text/csv</c>), follow its import (status with the per-row report, or a server-sent event
/// stream for a live progress bar). Uploading needs the editor role on the project, reading a
/// status the viewer role. Formats and rules: <c>src/Progress/Import/README.md</c>.
/// </summary>
internal static class ImportsApi
{
    /// <summary>Least time between two progress events of one stream: the bar moves smoothly without a message per 500 rows.</summary>
    private static readonly TimeSpan EventInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>A comment line this often keeps proxies from closing a quiet stream.</summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(WebApplication app)
    {
        var api = app.MapGroup("/api/progress/projects/{id}/imports").RequireAuthorization().WithTags("progress").WaitForProgressStore();
        api.MapPost("/", UploadAsync).WithSummary("Upload a drawing or component CSV (the body, text/csv); 202 with the import's status URL");
        api.MapGet("/", async (string id, ClaimsPrincipal principal, ProjectAccess access, ImportQueue queue, CancellationToken ct) =>
            await ProjectAuthorization.RequireAsync(id, principal, access, Role.Viewer, ct)
            ?? Results.Ok(queue.List(id).Select(j => j.Snapshot()))).WithSummary("The project's imports since the server started, newest first");
        api.MapGet("/{importId}", async (string id, string importId, ClaimsPrincipal principal, ProjectAccess access, ImportQueue queue, CancellationToken ct) =>
            await ProjectAuthorization.RequireAsync(id, principal, access, Role.Viewer, ct)
            ?? (queue.Find(id, importId) is { } job ? Results.Ok(job.Snapshot()) : ImportNotFound(importId)))
            .WithSummary("An import's phase, percent, totals and per-row report (row, column, message)");
        api.MapGet("/{importId}/events", EventsAsync).WithSummary("Server-sent events: the import's status at each change until it ends");
    }

    private static async Task<IResult> UploadAsync(string id, string? name, HttpContext context, ClaimsPrincipal principal, ProjectAccess access,
        ProgressQueries queries, ImportQueue queue, IOptions<ImportLimits> limits, CancellationToken ct)
    {
        if (await ProjectAuthorization.RequireAsync(id, principal, access, Role.Editor, ct) is { } refused)
        {
            return refused;
        }
        if (await queries.GetProjectAsync(id, ct) is null)
        {
            return ProjectAuthorization.NotFound(id);
        }
        var request = context.Request;
        var max = limits.Value.MaxFileBytes;
        if (request.ContentType is { } type && (type.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) || type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)))
        {
            return Results.Problem(statusCode: 415, title: "unsupported-media-type", detail: "send the CSV file itself as the request body (Content-Type: text/csv), not a form");
        }
        if (request.ContentLength is { } declared && declared > max)
        {
            return TooLarge(max);
        }
        if (request.ContentLength == 0)
        {
            return Results.Problem(statusCode: 400, title: "empty-file", detail: "the request body is the CSV file; it was empty");
        }
        // Kestrel's default cap (30 MB) is below ours; our own counting copy enforces the limit.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = max + 1;
        }
        var fileName = string.IsNullOrWhiteSpace(name) ? "upload.csv" : name.Trim()[..Math.Min(name.Trim().Length, 200)];
        ImportJob? job;
        try
        {
            job = await queue.EnqueueAsync(id, ProjectAuthorization.UserId(principal), fileName, request.Body, ct);
        }
        catch (Exception e) when (e is ImportTooLargeException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            return TooLarge(max);
        }
        if (job is null)
        {
            return Results.Problem(statusCode: 503, title: "import-queue-full", detail: $"{ImportQueue.MaxQueued} imports are waiting; try again when one has finished");
        }
        return Results.Accepted($"/api/progress/projects/{id}/imports/{job.Id}", job.Snapshot());
    }

    private static async Task EventsAsync(string id, string importId, HttpContext context, ClaimsPrincipal principal, ProjectAccess access, ImportQueue queue, TimeProvider time)
    {
        var ct = context.RequestAborted;
        if (await ProjectAuthorization.RequireAsync(id, principal, access, Role.Viewer, ct) is { } refused)
        {
            await refused.ExecuteAsync(context);
            return;
        }
        if (queue.Find(id, importId) is not { } job)
        {
            await ImportNotFound(importId).ExecuteAsync(context);
            return;
        }
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        // Reverse proxies that buffer (nginx) would hold the bar back until the end.
        response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            while (true)
            {
                var status = job.Snapshot();
                await response.WriteAsync($"event: progress\ndata: {JsonSerializer.Serialize(status, Json)}\n\n", ct);
                await response.Body.FlushAsync(ct);
                if (status.Done)
                {
                    return;
                }
                await Task.Delay(EventInterval, time, ct);
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
                quiet.CancelAfter(KeepAlive);
                try
                {
                    await job.WaitForChangeAsync(status.Version, quiet.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page went away.
        }
    }

    private static IResult TooLarge(long max) =>
        Results.Problem(statusCode: 413, title: "file-too-large", detail: $"an import file is at most {max:N0} bytes; split it");

    private static IResult ImportNotFound(string importId) =>
        Results.Problem(statusCode: 404, title: "not-found", detail: $"no import {importId} in this project (finished imports are kept until the server restarts)");
}
