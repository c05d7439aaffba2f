using System.Text.Json.Serialization;
using CrdtCollab.Host.Commit;
using CrdtCollab.Host.Intake;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Host.Storage;

namespace CrdtCollab.Host.Endpoints.Rest;

/// <summary><c>/api/documents</c>: list, create, and read a document's state; <c>/health</c>.</summary>
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
            }, statusCode: storage.Available ? 200 : 503));

        var api = app.MapGroup("/api/documents");
        api.MapGet("/", async (DocumentCatalog catalog, CancellationToken ct) => Results.Ok(await catalog.ListAsync(ListLimit, ct)));
        api.MapPost("/", async (CreateDocument? body, DocumentCatalog catalog, CancellationToken ct) =>
        {
            var id = string.IsNullOrEmpty(body?.Id) ? NewId() : body.Id;
            if (!DocumentId.IsValid(id))
            {
                return Results.Problem(statusCode: 400, title: "invalid-document-id", detail: "1-128 characters of [A-Za-z0-9._-]");
            }
            bool created = await catalog.EnsureAsync(id, DocumentStreamId.For(id), ct);
            return created ? Results.Created($"/api/documents/{id}", new { id }) : Results.Ok(new { id });
        });
        api.MapGet("/{id}/state", async (string id, LiveDocumentRegistry registry, CancellationToken ct) =>
        {
            var doc = await LoadAsync(id, registry, ct);
            return doc is null ? InvalidId() : Results.Bytes(doc.EncodeStateAsUpdate([]), Binary);
        });
        api.MapGet("/{id}/text", async (string id, string? name, LiveDocumentRegistry registry, CancellationToken ct) =>
        {
            var doc = await LoadAsync(id, registry, ct);
            return doc is null ? InvalidId() : Results.Text(doc.ReadText(name ?? "codemirror"));
        });
    }

    private static async Task<LiveDocument?> LoadAsync(string id, LiveDocumentRegistry registry, CancellationToken ct)
    {
        if (!DocumentId.IsValid(id))
        {
            return null;
        }
        try
        {
            return await registry.GetOrLoadAsync(id, ct);
        }
        catch (IntakeRejectedException e)
        {
            throw new BadHttpRequestException(e.ClientMessage, StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static IResult InvalidId() => Results.Problem(statusCode: 400, title: "invalid-document-id", detail: "1-128 characters of [A-Za-z0-9._-]");

    private static string NewId() => "doc-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The body of <c>POST /api/documents</c>.</summary>
    internal sealed record CreateDocument([property: JsonPropertyName("id")] string? Id);
}
