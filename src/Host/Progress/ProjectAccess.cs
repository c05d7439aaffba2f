using CrdtCollab.Host.Security;
using CrdtCollab.Progress.Domain;
using Microsoft.Extensions.Options;

namespace CrdtCollab.Host.Progress;

/// <summary>
/// Who may see and change a project. A project's rules are the existing document ACL of the
/// pseudo-document <c>project.{projectId}</c> (the same roles, the same owner endpoints under
/// <c>/api/documents/project.{id}/permissions</c>): its creator is the owner and everyone else gets
/// the link role (<c>Auth:DefaultLinkRole</c>). Reading progress needs viewer, importing editor.
/// Drawing documents are ordinary sync documents with their own ACL.
/// </summary>
internal sealed class ProjectAccess(PermissionStore permissions, IOptions<AuthOptions> auth)
{
    private readonly Role _linkRole = RoleNames.TryParse(auth.Value.DefaultLinkRole, out var r) ? r : Role.None;

    public static string AclId(string projectId) => ProgressIds.ProjectStream(projectId);

    /// <summary>Makes <paramref name="userId"/> the owner of a new project (the first to claim it).</summary>
    public Task<Role> ClaimAsync(string projectId, string userId, CancellationToken cancellationToken) =>
        permissions.ResolveAsync(AclId(projectId), userId, _linkRole, cancellationToken);

    public Task<Role> RoleOfAsync(string projectId, string userId, CancellationToken cancellationToken) =>
        permissions.RoleOfAsync(AclId(projectId), userId, cancellationToken);
}
