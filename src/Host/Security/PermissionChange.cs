namespace CrdtCollab.Host.Security;

/// <summary>One change of a document's permissions: whose role became what, by whom, when.</summary>
public sealed record PermissionChange(string UserId, string Role, string ChangedBy, DateTimeOffset ChangedAt);
