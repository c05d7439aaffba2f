namespace CrdtCollab.Host.Storage;

/// <summary>One row of <c>GET /api/documents</c>.</summary>
public sealed record DocumentSummary(string Id, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version);
