using System.Security.Claims;
using System.Text.Json.Serialization;
using CrdtCollab.Host.Commit;
using CrdtCollab.Host.Intake;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Host.Security;
using CrdtCollab.Host.Storage;

namespace CrdtCollab.Host.Endpoints.Rest;

/// <summary>
/// <c>/api/documents</c>: list, create, read a document's state, and manage its permissions
/// (owner only); <c>/health</c>. Everything under <c>/api</c> needs a token; a document's
/// resources need a role on it (404 when the user has none, so ids cannot be probed).
/// </summary>
internal static class DocumentsApi
{
    private const int ListLimit = 500;
    private const string Binary = "application/octet-stream";

    public static void Map(WebApplication app)
    {
        app.MapGet("/health", (StorageHealth storage, CommitBacklog backlog, LiveDocumentRegistry registry, OpenSockets sockets) =>
            Results.Json(new
            {
                status = storage.Available ? "ok" : "degraded",
                storage = storage.Available ? "ok" : storage.LastError,
                pendingUpdates = backlog.Pending,
                liveDocuments = registry.Count,
                sockets = sockets.Count,
            }, statusCode: storage.Available ? 200 : 503)).AllowAnonymous();

        var api = app.MapGroup("/api/documents").RequireAuthorization();
        api.MapGet("/", async (ClaimsPrincipal principal, DocumentCatalog catalog, CancellationToken ct) =>
            Results.Ok(await catalog.ListAsync(User(principal).Id, ListLimit, ct)));
        api.MapPost("/", async (CreateDocument? body, ClaimsPrincipal principal, DocumentCatalog catalog, DocumentAccess access, CancellationToken ct) =>
        {
            var id = string.IsNullOrEmpty(body?.Id) ? NewId() : body.Id;
            if (!DocumentId.IsValid(id))
            {
                return InvalidId();
            }
            var role = await access.ResolveAsync(id, User(principal), ct);
            if (!RoleNames.CanRead(role))
            {
                return NotFound(id);
            }
            bool created = await catalog.EnsureAsync(id, DocumentStreamId.For(id), ct);
            return created ? Results.Created($"/api/documents/{id}", new { id, role = RoleNames.Of(role) }) : Results.Ok(new { id, role = RoleNames.Of(role) });
        });
        api.MapGet("/{id}", async (string id, ClaimsPrincipal principal, PermissionStore permissions, CancellationToken ct) =>
            await WithRoleAsync(id, principal, permissions, Role.Viewer, ct)
            ?? Results.Ok(new { id, role = RoleNames.Of(await permissions.RoleOfAsync(id, User(principal).Id, ct)) }));
        api.MapGet("/{id}/state", async (string id, ClaimsPrincipal principal, PermissionStore permissions, LiveDocumentRegistry registry, CancellationToken ct) =>
            await WithRoleAsync(id, principal, permissions, Role.Viewer, ct) ?? Results.Bytes((await LoadAsync(id, registry, ct)).EncodeStateAsUpdate([]), Binary));
        api.MapGet("/{id}/text", async (string id, string? name, ClaimsPrincipal principal, PermissionStore permissions, LiveDocumentRegistry registry, CancellationToken ct) =>
            await WithRoleAsync(id, principal, permissions, Role.Viewer, ct) ?? Results.Text((await LoadAsync(id, registry, ct)).ReadText(name ?? "codemirror")));

        api.MapGet("/{id}/permissions", async (string id, ClaimsPrincipal principal, PermissionStore permissions, CancellationToken ct) =>
            await WithRoleAsync(id, principal, permissions, Role.Owner, ct)
            ?? Results.Ok((await permissions.ListAsync(id, ct)).Select(p => new { userId = p.UserId, role = RoleNames.Of(p.Role) })));
        api.MapGet("/{id}/permissions/history", async (string id, ClaimsPrincipal principal, PermissionStore permissions, CancellationToken ct) =>
            await WithRoleAsync(id, principal, permissions, Role.Owner, ct) ?? Results.Ok(await permissions.HistoryAsync(id, ct)));
        api.MapPut("/{id}/permissions/{userId}", async (string id, string userId, SetRole? body, ClaimsPrincipal principal, PermissionStore permissions, CancellationToken ct) =>
        {
            if (await WithRoleAsync(id, principal, permissions, Role.Owner, ct) is { } refused)
            {
                return refused;
            }
            if (!RoleNames.TryParse(body?.Role, out var role) || (userId == PermissionStore.Anyone && role == Role.Owner) || !ValidUserId(userId))
            {
                return Results.Problem(statusCode: 400, title: "invalid-role",
                    detail: "role: none, viewer, commenter, editor or owner (the link role '*' cannot be owner); user ids are 1-200 characters");
            }
            await permissions.SetAsync(id, userId, role, User(principal).Id, ct);
            return Results.NoContent();
        });
        api.MapDelete("/{id}/permissions/{userId}", async (string id, string userId, ClaimsPrincipal principal, PermissionStore permissions, CancellationToken ct) =>
        {
            if (await WithRoleAsync(id, principal, permissions, Role.Owner, ct) is { } refused)
            {
                return refused;
            }
            if (!ValidUserId(userId))
            {
                return Results.Problem(statusCode: 400, title: "invalid-user");
            }
            await permissions.SetAsync(id, userId, Role.None, User(principal).Id, ct, remove: true);
            return Results.NoContent();
        });
    }

    /// <summary>Null when the user has at least <paramref name="needed"/>; otherwise the refusal.</summary>
    private static async Task<IResult?> WithRoleAsync(string id, ClaimsPrincipal principal, PermissionStore permissions, Role needed, CancellationToken ct)
    {
        if (!DocumentId.IsValid(id))
        {
            return InvalidId();
        }
        var role = await permissions.RoleOfAsync(id, User(principal).Id, ct);
        if (role == Role.None)
        {
            return NotFound(id);
        }
        return role < needed
            ? Results.Problem(statusCode: 403, title: "forbidden", detail: $"this needs the {RoleNames.Of(needed)} role; you are a {RoleNames.Of(role)}")
            : null;
    }

    private static async Task<LiveDocument> LoadAsync(string id, LiveDocumentRegistry registry, CancellationToken ct)
    {
        try
        {
            return await registry.GetOrLoadAsync(id, ct);
        }
        catch (IntakeRejectedException e)
        {
            throw new BadHttpRequestException(e.ClientMessage, StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static ConnectionUser User(ClaimsPrincipal principal) =>
        ConnectionUser.From(principal) ?? throw new BadHttpRequestException("the token has no subject", StatusCodes.Status401Unauthorized);

    private static bool ValidUserId(string userId) => userId.Length is > 0 and <= 200;

    private static IResult InvalidId() => Results.Problem(statusCode: 400, title: "invalid-document-id", detail: "1-128 characters of [A-Za-z0-9._-]");

    private static IResult NotFound(string id) => Results.Problem(statusCode: 404, title: "not-found", detail: $"no document {id} that you can read");

    private static string NewId() => "doc-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The body of <c>POST /api/documents</c>.</summary>
    internal sealed record CreateDocument([property: JsonPropertyName("id")] string? Id);

    /// <summary>The body of <c>PUT /api/documents/{id}/permissions/{userId}</c>.</summary>
    internal sealed record SetRole([property: JsonPropertyName("role")] string? Role);
}
