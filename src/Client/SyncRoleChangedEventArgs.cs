namespace CrdtCollab.Client;

/// <summary>Data for <see cref="SyncClient.RoleChanged"/>.</summary>
public sealed class SyncRoleChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="role">The user's role now: <c>viewer</c>, <c>commenter</c>, <c>editor</c> or <c>owner</c>.</param>
    public SyncRoleChangedEventArgs(string role)
    {
        Role = role;
    }

    /// <summary>The user's role now: <c>viewer</c>, <c>commenter</c>, <c>editor</c> or <c>owner</c>.</summary>
    public string Role { get; }

    /// <summary>Whether the role may change the document (editor or owner).</summary>
    public bool CanWrite => SyncClient.IsWriteRole(Role);
}
