using System.Security.Claims;

namespace CrdtCollab.Host.Security;

/// <summary>Who is on a connection: the token's subject and display name.</summary>
public sealed record ConnectionUser(string Id, string Name)
{
    /// <summary>The user of a validated principal, or null when it has no subject.</summary>
    public static ConnectionUser? From(ClaimsPrincipal? principal)
    {
        var id = principal?.FindFirst("sub")?.Value ?? principal?.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }
        var name = principal!.FindFirst("name")?.Value ?? principal.Identity?.Name ?? id;
        return new ConnectionUser(id, name);
    }
}
