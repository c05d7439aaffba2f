using System.Security.Claims;
using CrdtCollab.Host.Progress;
using CrdtCollab.Host.Security;
using CrdtCollab.Progress.Domain;

namespace CrdtCollab.Host.Endpoints.Rest;

/// <summary>
/// The role check of the import and report endpoints, on the project rules of
/// <see cref="ProjectAccess"/> (the ACL of pseudo-document <c>project.{id}</c>): no role means 404,
/// so project ids cannot be probed; too low a role 403.
/// </summary>
internal static class ProjectAuthorization
{
    /// <summary>
    /// Holds the group's requests until the progress store is migrated (it migrates in the
    /// background at start), and answers 503 when that failed, as <c>/api/progress</c> does.
    /// </summary>
    public static RouteGroupBuilder WaitForProgressStore(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                await context.HttpContext.RequestServices.GetRequiredService<ProgressReadiness>().Ready.WaitAsync(context.HttpContext.RequestAborted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Results.Problem(statusCode: 503, title: "progress-unavailable", detail: "the progress store could not be set up; see the server log");
            }
            return await next(context);
        });
        return group;
    }

    /// <summary>Null when the caller has at least <paramref name="needed"/> on the project; otherwise the refusal.</summary>
    public static async Task<IResult?> RequireAsync(string projectId, ClaimsPrincipal principal, ProjectAccess access, Role needed, CancellationToken ct)
    {
        if (!ProgressIds.IsValidProjectId(projectId))
        {
            return Results.Problem(statusCode: 400, title: "invalid-project-id", detail: $"1-{ProgressIds.MaxProjectIdLength} characters of a-z, 0-9 and '-'");
        }
        var role = await access.RoleOfAsync(projectId, UserId(principal), ct);
        if (role == Role.None)
        {
            return NotFound(projectId);
        }
        return role < needed
            ? Results.Problem(statusCode: 403, title: "forbidden", detail: $"this needs the {RoleNames.Of(needed)} role on the project; you are a {RoleNames.Of(role)}")
            : null;
    }

    public static string UserId(ClaimsPrincipal principal) =>
        ConnectionUser.From(principal)?.Id ?? throw new BadHttpRequestException("the token has no subject", StatusCodes.Status401Unauthorized);

    public static IResult NotFound(string projectId) => Results.Problem(statusCode: 404, title: "not-found", detail: $"no project {projectId} that you can read");
}
