using System.Security.Claims;
using System.Text.Json.Serialization;
using CrdtCollab.EventStore;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Host.Progress;
using CrdtCollab.Host.Security;
using CrdtCollab.Progress;
using CrdtCollab.Progress.Projections;
using CrdtCollab.Progress.Queries;
using CrdtCollab.Progress.Sample;
using Npgsql;

namespace CrdtCollab.Host.Endpoints.Rest;

/// <summary>
/// <c>/api/progress</c>: projects and their progress at every level, read from Marten's projected
/// documents (never recomputed from a log). Behind the token like <c>/api/documents</c>; a project
/// needs a role on it (<see cref="ProjectAccess"/>): 404 without one, 403 when too low.
/// The OpenAPI document is at <c>/openapi/v1.json</c>.
/// </summary>
internal static class ProgressApi
{
    private const int MaxPage = 1000;

    public static void Map(WebApplication app)
    {
        app.MapOpenApi();
        var api = app.MapGroup("/api/progress").RequireAuthorization().WithTags("progress");
        api.AddEndpointFilter(async (context, next) =>
        {
            var readiness = context.HttpContext.RequestServices.GetRequiredService<ProgressReadiness>();
            try
            {
                await readiness.Ready.WaitAsync(context.HttpContext.RequestAborted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Problem(503, "progress-unavailable", "the progress store could not be set up; see the server log");
            }
            return await next(context);
        });
        api.MapPost("/projects", async (CreateProject? body, ClaimsPrincipal principal, ProgressCommands commands, ProgressQueries queries, ProjectAccess access, CancellationToken ct) =>
        {
            if (body is null)
            {
                return Problem(400, "invalid-body", "expected {\"id\": \"...\", \"name\": \"...\"}");
            }
            var user = User(principal);
            try
            {
                var project = await commands.CreateProjectAsync(body.Id ?? "", body.Name ?? "", user, ct);
                await access.ClaimAsync(project.Id, user, ct);
                return Results.Created($"/api/progress/projects/{project.Id}", project);
            }
            catch (ProgressValidationException e) when (e.Message.EndsWith("already exists.", StringComparison.Ordinal))
            {
                return Problem(409, "project-exists", e.Message);
            }
            catch (ProgressValidationException e)
            {
                return Problem(400, "invalid-project", e.Message);
            }
        }).WithSummary("Create a project (with the default milestone templates); the caller becomes its owner");
        api.MapGet("/projects", async (ClaimsPrincipal principal, ProgressQueries queries, ProjectAccess access, CancellationToken ct) =>
        {
            var visible = new List<object>();
            foreach (var project in await queries.ListProjectsAsync(ct))
            {
                if (RoleNames.CanRead(await access.RoleOfAsync(project.Id, User(principal), ct)))
                {
                    var rollup = await queries.GetRollupAsync(project.Id, RollupKind.Project, project.Id, ct);
                    visible.Add(new { project.Id, project.Name, project.CreatedAt, project.DrawingCount, project.ComponentCount, Percent = rollup?.Percent ?? 0 });
                }
            }
            return Results.Ok(visible);
        }).WithSummary("Projects the caller can read, with their progress");
        api.MapGet("/projects/{projectId}", async (string projectId, ClaimsPrincipal principal, ProgressQueries queries, ProjectAccess access, CancellationToken ct) =>
            await RefuseAsync(projectId, principal, access, Role.Viewer, ct) ?? await ProjectAsync(projectId, queries, ct))
            .WithSummary("A project's structure and its overall progress");
        MapRollups(api, "areas", RollupKind.Area);
        MapRollups(api, "systems", RollupKind.System);
        MapRollups(api, "test-packages", RollupKind.TestPackage);
        api.MapGet("/projects/{projectId}/drawings", async (string projectId, int? skip, int? take, ClaimsPrincipal principal, ProgressQueries queries, ProjectAccess access, CancellationToken ct) =>
        {
            if (skip is < 0 || take is < 1 or > MaxPage)
            {
                return Problem(400, "invalid-page", $"skip >= 0, take 1-{MaxPage}");
            }
            return await RefuseAsync(projectId, principal, access, Role.Viewer, ct)
                ?? Results.Ok(await queries.ListDrawingsAsync(projectId, skip ?? 0, take ?? MaxPage, ct));
        }).WithSummary("A page of the project's drawings with their progress (document ids to open them for editing)");
        api.MapGet("/projects/{projectId}/drawings/{drawingId}", async (string projectId, string drawingId, ClaimsPrincipal principal, ProgressQueries queries, ProjectAccess access, CancellationToken ct) =>
            await RefuseAsync(projectId, principal, access, Role.Viewer, ct)
            ?? (await queries.GetDrawingAsync(projectId, drawingId, ct) is { } drawing ? Results.Ok(drawing) : Problem(404, "not-found", $"no drawing {drawingId} in {projectId}")))
            .WithSummary("A drawing's progress, its components and their milestone values");
        api.MapGet("/projects/{projectId}/history", async (string projectId, string? kind, string? key, DateOnly? from, DateOnly? to, ClaimsPrincipal principal, ProgressQueries queries, ProjectAccess access, CancellationToken ct) =>
        {
            kind ??= RollupKind.Project;
            if (kind is not (RollupKind.Project or RollupKind.Area or RollupKind.System or RollupKind.TestPackage or RollupKind.Drawing))
            {
                return Problem(400, "invalid-kind", "kind: project, area, system, test-package or drawing");
            }
            if (kind != RollupKind.Project && string.IsNullOrEmpty(key))
            {
                return Problem(400, "missing-key", "key: the area, system, test package or drawing id");
            }
            var first = from ?? DateOnly.MinValue;
            var last = to ?? DateOnly.MaxValue;
            if (first > last)
            {
                return Problem(400, "invalid-range", "from must not be after to");
            }
            return await RefuseAsync(projectId, principal, access, Role.Viewer, ct)
                ?? Results.Ok(await queries.GetHistoryAsync(projectId, kind, kind == RollupKind.Project ? projectId : key!, first, last, ct));
        }).WithSummary("Daily progress (end of each UTC day with a change) of the project or one area, system, test package or drawing");
        api.MapPost("/sample-project", async (SampleRequest? body, ClaimsPrincipal principal, ProgressCommands commands, ProjectAccess access, PostgresEventStore log,
            NpgsqlDataSource dataSource, ILogger<SampleProjectLoader> logger, CancellationToken ct) =>
        {
            var spec = new SampleProjectSpec();
            spec = spec with
            {
                ProjectId = body?.Id ?? spec.ProjectId,
                Drawings = body?.Drawings ?? spec.Drawings,
                ComponentsPerDrawing = body?.ComponentsPerDrawing ?? spec.ComponentsPerDrawing,
                Days = body?.Days ?? spec.Days,
            };
            if (spec.Drawings is < 1 or > 2000 || spec.ComponentsPerDrawing is < 1 or > 200 || spec.Days is < 0 or > 120)
            {
                return Problem(400, "invalid-sample", "drawings 1-2000, componentsPerDrawing 1-200, days 0-120");
            }
            var user = User(principal);
            try
            {
                var updates = await SampleLoader.LoadAsync(spec, user, commands, log, dataSource, ct);
                await access.ClaimAsync(spec.ProjectId, user, ct);
                ProgressLog.SampleLoaded(logger, spec.ProjectId, updates);
                return Results.Created($"/api/progress/projects/{spec.ProjectId}", new { id = spec.ProjectId, updates });
            }
            catch (ProgressValidationException e)
            {
                return Problem(409, "project-exists", e.Message);
            }
        }).WithSummary("Generate and load a sample project (default: 500 drawings × 40 components, 21 days of history)");
    }

    private static void MapRollups(RouteGroupBuilder api, string path, string kind)
    {
        api.MapGet($"/projects/{{projectId}}/{path}", async (string projectId, ClaimsPrincipal principal, ProgressQueries queries, ProjectAccess access, CancellationToken ct) =>
            await RefuseAsync(projectId, principal, access, Role.Viewer, ct) ?? Results.Ok(await queries.ListRollupsAsync(projectId, kind, ct)))
            .WithSummary($"Progress of every {kind} of the project");
        api.MapGet($"/projects/{{projectId}}/{path}/{{key}}", async (string projectId, string key, ClaimsPrincipal principal, ProgressQueries queries, ProjectAccess access, CancellationToken ct) =>
            await RefuseAsync(projectId, principal, access, Role.Viewer, ct)
            ?? (await queries.GetRollupAsync(projectId, kind, key, ct) is { } rollup ? Results.Ok(rollup) : Problem(404, "not-found", $"no {kind} {key} in {projectId}")))
            .WithSummary($"Progress of one {kind}");
    }

    private static async Task<IResult> ProjectAsync(string projectId, ProgressQueries queries, CancellationToken ct)
    {
        var project = await queries.GetProjectAsync(projectId, ct);
        if (project is null)
        {
            return Problem(404, "not-found", $"no project {projectId}");
        }
        var rollup = await queries.GetRollupAsync(projectId, RollupKind.Project, projectId, ct);
        return Results.Ok(new { project, progress = rollup });
    }

    /// <summary>Null when the caller has at least <paramref name="needed"/> on the project.</summary>
    private static async Task<IResult?> RefuseAsync(string projectId, ClaimsPrincipal principal, ProjectAccess access, Role needed, CancellationToken ct)
    {
        if (!CrdtCollab.Progress.Domain.ProgressIds.IsValidProjectId(projectId))
        {
            return Problem(400, "invalid-project-id", $"1-{CrdtCollab.Progress.Domain.ProgressIds.MaxProjectIdLength} characters of [a-z0-9-]");
        }
        var role = await access.RoleOfAsync(projectId, User(principal), ct);
        if (role == Role.None)
        {
            return Problem(404, "not-found", $"no project {projectId} that you can read");
        }
        return role < needed ? Problem(403, "forbidden", $"this needs the {RoleNames.Of(needed)} role; you are a {RoleNames.Of(role)}") : null;
    }

    private static string User(ClaimsPrincipal principal) =>
        ConnectionUser.From(principal)?.Id ?? throw new BadHttpRequestException("the token has no subject", StatusCodes.Status401Unauthorized);

    private static IResult Problem(int status, string title, string detail) => Results.Problem(statusCode: status, title: title, detail: detail);

    /// <summary>The body of <c>POST /api/progress/projects</c>.</summary>
    internal sealed record CreateProject([property: JsonPropertyName("id")] string? Id, [property: JsonPropertyName("name")] string? Name);

    /// <summary>The body of <c>POST /api/progress/sample-project</c>.</summary>
    internal sealed record SampleRequest(
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("drawings")] int? Drawings,
        [property: JsonPropertyName("componentsPerDrawing")] int? ComponentsPerDrawing,
        [property: JsonPropertyName("days")] int? Days);
}
