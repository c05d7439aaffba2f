using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrdtCollab.Client;
using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Types;
using CrdtCollab.Integration.Tests.Server;
using CrdtCollab.Integration.Tests.Support;
using CrdtCollab.Progress.Documents;
using Xunit;

namespace CrdtCollab.Integration.Tests.Progress;

/// <summary>
/// The import creates every component's milestone map in its drawing document, so two crews
/// ticking different milestones of a fresh component while apart both keep their tick (two maps
/// created under one key would keep only one of them).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ImportSeedingTests(PostgresFixture postgres)
{
    private const string Project = "plant-seed";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Imported_components_have_their_maps_so_two_offline_crews_ticking_one_component_both_keep_their_tick()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        using var lead = await server.HttpAsync("lead");
        Assert.Equal(HttpStatusCode.Created, (await lead.PostAsJsonAsync("/api/progress/projects", new { id = Project, name = "Seed Plant" })).StatusCode);
        var csv = new StringBuilder("drawing,title,area,system,component,type\n");
        foreach (var c in new[] { "C-0", "C-1", "C-2" })
        {
            csv.Append($"P-001,Line 1,A1,S1,{c},spool\n");
        }
        var upload = await lead.PostAsync($"/api/progress/projects/{Project}/imports?name=seed.csv", new StringContent(csv.ToString(), new UTF8Encoding(false), "text/csv"));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var status = await WaitDoneAsync(lead, upload.Headers.Location!);
        Assert.Equal("succeeded", status.GetProperty("phase").GetString());

        var documentId = DrawingDocumentIds.For(Project, "P-001");
        var crewA = await SyncedCopyAsync(server, documentId, "crew-a");
        var crewB = await SyncedCopyAsync(server, documentId, "crew-b");
        foreach (var c in new[] { "C-0", "C-1", "C-2" })
        {
            Assert.IsType<YMap>(crewA.GetMap(DrawingDocument.ComponentsRoot).Get(c));
        }

        // Apart from each other and from the server, each crew ticks its own milestone of C-0.
        DrawingDocument.SetMilestone(crewA, "C-0", "Receive", 100);
        DrawingDocument.SetMilestone(crewB, "C-0", "Erect", 100);
        await UploadAsync(server, documentId, crewA, "crew-a");
        await UploadAsync(server, documentId, crewB, "crew-b");

        var merged = await SyncedCopyAsync(server, documentId, "lead");
        var c0 = Assert.IsType<YMap>(merged.GetMap(DrawingDocument.ComponentsRoot).Get("C-0"));
        Assert.Equal(100d, Convert.ToDouble(c0.Get("Receive"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(100d, Convert.ToDouble(c0.Get("Erect"), System.Globalization.CultureInfo.InvariantCulture));

        // The same file again: every map exists, so nothing is seeded twice.
        var before = (await SyncedCopyAsync(server, documentId, "lead")).EncodeStateVector();
        var again = await lead.PostAsync($"/api/progress/projects/{Project}/imports?name=seed.csv", new StringContent(csv.ToString(), new UTF8Encoding(false), "text/csv"));
        Assert.Equal("succeeded", (await WaitDoneAsync(lead, again.Headers.Location!)).GetProperty("phase").GetString());
        Assert.Equal(before, (await SyncedCopyAsync(server, documentId, "lead")).EncodeStateVector());
    }

    private static async Task<YDoc> SyncedCopyAsync(SyncServer server, string documentId, string user)
    {
        var doc = new YDoc();
        await using var client = await SyncClient.ConnectAsync(server.BaseUrl, documentId, doc, await ServerTestKit.OptionsAsync(server, SyncClientProtocol.MessagePack, user));
        return doc;
    }

    private static async Task UploadAsync(SyncServer server, string documentId, YDoc doc, string user)
    {
        await using var client = await SyncClient.ConnectAsync(server.BaseUrl, documentId, doc, await ServerTestKit.OptionsAsync(server, SyncClientProtocol.MessagePack, user));
        await client.WhenSavedAsync().WaitAsync(Wait);
    }

    private static async Task<JsonElement> WaitDoneAsync(HttpClient http, Uri location)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var status = await http.GetFromJsonAsync<JsonElement>(location);
            if (status.GetProperty("done").GetBoolean() || DateTime.UtcNow > deadline)
            {
                return status;
            }
            await Task.Delay(50);
        }
    }
}
