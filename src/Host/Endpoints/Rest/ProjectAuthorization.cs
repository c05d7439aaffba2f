using System.Security.Claims;
using CrdtCollab.Host.Security;

namespace CrdtCollab.Host.Endpoints.Rest;

/// <summary>
/// A project's permissions are those of the pseudo-document <c>project.{id}</c> in the existing
/// permission store: the first user to touch a project owns it, everyone else gets the link role,
/// and an owner manages roles through <c>/api/documents/project.{id}/permissions</c>. No role
/// means 404, so project ids cannot be probed.
/// </summary>
internal static class ProjectAuthorization
{
    public static string DocumentIdOf(string projectId) => "project." + projectId;

    /// <summary>Null when the caller has at least <paramref name="needed"/> on the project; otherwise the refusal.</summary>
    public static async Task<IResult?> RequireAsync(string projectId, ClaimsPrincipal principal, DocumentAccess access, Role needed, CancellationToken ct)
    {
        if (!Progress.Domain.ProgressIds.IsValidProjectId(projectId))
        {
            return Results.Problem(statusCode: 400, title: "invalid-project-id", detail: $"1-{Progress.Domain.ProgressIds.MaxProjectIdLength} characters of a-z, 0-9 and '-'");
        }
        var user = ConnectionUser.From(principal) ?? throw new BadHttpRequestException("the token has no subject", StatusCodes.Status401Unauthorized);
        var role = await access.ResolveAsync(DocumentIdOf(projectId), user, ct);
        if (role == Role.None)
        {
            return NotFound(projectId);
        }
        return role < needed
            ? Results.Problem(statusCode: 403, title: "forbidden", detail: $"this needs the {RoleNames.Of(needed)} role on the project; you are a {RoleNames.Of(role)}")
            : null;
    }

    public static string UserId(ClaimsPrincipal principal) => ConnectionUser.From(principal)?.Id ?? "";

    public static IResult NotFound(string projectId) => Results.Problem(statusCode: 404, title: "not-found", detail: $"no project {projectId} that you can read");
}
