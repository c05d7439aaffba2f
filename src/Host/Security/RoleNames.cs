namespace CrdtCollab.Host.Security;

/// <summary>Roles on the wire (REST bodies, the Hocuspocus scope) in lower case.</summary>
internal static class RoleNames
{
    public static string Of(Role role) => role switch
    {
        Role.Viewer => "viewer",
        Role.Commenter => "commenter",
        Role.Editor => "editor",
        Role.Owner => "owner",
        _ => "none",
    };

    public static bool TryParse(string? name, out Role role)
    {
        role = name?.ToLowerInvariant() switch
        {
            "none" => Role.None,
            "viewer" => Role.Viewer,
            "commenter" => Role.Commenter,
            "editor" => Role.Editor,
            "owner" => Role.Owner,
            _ => (Role)(-1),
        };
        return role >= Role.None;
    }

    public static bool CanWrite(Role role) => role >= Role.Editor;

    public static bool CanRead(Role role) => role >= Role.Viewer;
}
