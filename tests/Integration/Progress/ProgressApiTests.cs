using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrdtCollab.Client;
using CrdtCollab.Crdt;
using CrdtCollab.Integration.Tests.Server;
using CrdtCollab.Integration.Tests.Support;
using CrdtCollab.Progress.Documents;
using Xunit;

namespace CrdtCollab.Integration.Tests.Progress;

/// <summary>
/// The whole journey through a real server: a project is created and imported over REST, a .NET
/// SyncClient ticks a milestone in a drawing document, and the drawing, area and project progress
/// read back from the REST API change within a bounded wait.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ProgressApiTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_milestone_ticked_through_the_sync_server_shows_in_drawing_area_and_project_progress()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        using var http = await server.HttpAsync("lead");
        var created = await http.PostAsJsonAsync("api/progress/projects", new { id = "unit-7", name = "Unit 7" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsJsonAsync("api/progress/projects", new { id = "unit-7", name = "again" })).StatusCode);
        var invalid = await http.PostAsJsonAsync("api/progress/projects", new { id = "Unit 7!", name = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);

        // The import API is progress-io's; the domain command is the same one it calls.
        var commands = server.Services.GetService(typeof(CrdtCollab.Progress.ProgressCommands)) as CrdtCollab.Progress.ProgressCommands;
        await commands!.ImportAsync("unit-7",
            [new("L-100", "Line 100", "north", "steam"), new("L-200", "Line 200", "south", "steam")],
            [new("L-100", "W1", "field-weld", "TP-1", null), new("L-100", "S1", "spool", "TP-1", null), new("L-200", "S1", "spool", "TP-2", null)]);

        var documentId = DrawingDocumentIds.For("unit-7", "L-100");
        await using var crew = await SyncClient.ConnectAsync(server.BaseUrl, documentId, new YDoc(), await ServerTestKit.OptionsAsync(server, SyncClientProtocol.MessagePack, "crew-a"));
        crew.Transact(_ => DrawingDocument.SetMilestone(crew.Document, "W1", "Weld", 100));
        await crew.WhenSavedAsync().WaitAsync(Wait);

        await TestSchema.WaitUntilAsync(async () => (await GetAsync(http, "api/progress/projects/unit-7/drawings/L-100")).GetProperty("earned").GetDouble() == 60,
            "the drawing's progress shows the weld", (int)Wait.TotalSeconds);
        var drawing = await GetAsync(http, "api/progress/projects/unit-7/drawings/L-100");
        Assert.Equal(30, drawing.GetProperty("percent").GetDouble(), 6); // 60 of 200
        Assert.Equal("crew-a", drawing.GetProperty("lastChangedBy").GetString());
        Assert.Equal(100, drawing.GetProperty("components").GetProperty("W1").GetProperty("milestones").GetProperty("Weld").GetDouble());
        Assert.Equal(30, (await GetAsync(http, "api/progress/projects/unit-7/areas/north")).GetProperty("percent").GetDouble(), 6);
        Assert.Equal(0, (await GetAsync(http, "api/progress/projects/unit-7/areas/south")).GetProperty("percent").GetDouble());
        Assert.Equal(20, (await GetAsync(http, "api/progress/projects/unit-7")).GetProperty("progress").GetProperty("percent").GetDouble(), 6); // 60 of 300
        Assert.Equal(30, (await GetAsync(http, "api/progress/projects/unit-7/test-packages/TP-1")).GetProperty("percent").GetDouble(), 6);
        var history = await GetAsync(http, "api/progress/projects/unit-7/history");
        Assert.Equal(60, history[0].GetProperty("earned").GetDouble());
        var drawings = await GetAsync(http, "api/progress/projects/unit-7/drawings");
        Assert.Equal([30.0, 0.0], drawings.EnumerateArray().Select(d => d.GetProperty("percent").GetDouble()));

        // Another user with no role on the project sees nothing; the project list follows the ACL.
        using var owner = await server.HttpAsync("lead");
        (await owner.PutAsJsonAsync("api/documents/project.unit-7/permissions/*", new { role = "none" })).EnsureSuccessStatusCode();
        using var stranger = await server.HttpAsync("stranger");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync("api/progress/projects/unit-7/drawings")).StatusCode);
        Assert.Equal(0, (await GetAsync(stranger, "api/progress/projects")).GetArrayLength());
        Assert.Equal(1, (await GetAsync(http, "api/progress/projects")).GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("api/progress/projects/unit-7/history?kind=planet")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("api/progress/projects/unit-7/drawings/L-999")).StatusCode);
        var unauthenticated = new HttpClient { BaseAddress = server.BaseUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await unauthenticated.GetAsync("api/progress/projects")).StatusCode);
        var openApi = await unauthenticated.GetStringAsync("openapi/v1.json");
        Assert.Contains("/api/progress/projects/{projectId}/drawings/{drawingId}", openApi, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
