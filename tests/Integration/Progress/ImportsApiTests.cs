using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrdtCollab.Integration.Tests.Support;
using CrdtCollab.Progress;
using CrdtCollab.Progress.Domain;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CrdtCollab.Integration.Tests.Progress;

/// <summary>The upload and report endpoints on a real server: status, live events, limits, roles, ProblemDetails.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ImportsApiTests(PostgresFixture postgres)
{
    private const string Project = "plant-api";

    private static string Components(int drawings, int perDrawing)
    {
        var csv = new StringBuilder("drawing,title,area,system,component,type\n");
        for (var d = 0; d < drawings; d++)
        {
            for (var c = 0; c < perDrawing; c++)
            {
                csv.Append($"P-{d:000},Line {d},A{d % 3},S{d % 2},C-{c},spool\n");
            }
        }
        return csv.ToString();
    }

    private static async Task<SyncServer> StartAsync(PostgresFixture postgres, Dictionary<string, string?>? settings = null)
    {
        var server = await SyncServer.StartAsync(postgres, settings);
        // Through the progress API, so alice owns the project.
        using var alice = await server.HttpAsync("alice");
        var created = await alice.PostAsJsonAsync("/api/progress/projects", new { id = Project, name = "API Plant" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return server;
    }

    private static StringContent Csv(string text) => new(text, new UTF8Encoding(false), "text/csv");

    private static async Task<JsonElement> WaitDoneAsync(HttpClient http, Uri location)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
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

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task An_upload_is_accepted_its_live_events_reach_100_percent_and_the_same_file_again_changes_nothing()
    {
        await using var server = await StartAsync(postgres);
        using var alice = await server.HttpAsync("alice");
        var csv = Components(drawings: 40, perDrawing: 100); // 4,000 rows: several progress steps

        var response = await alice.PostAsync($"/api/progress/projects/{Project}/imports?name=plant.csv", Csv(csv));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!;
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("plant.csv", accepted.GetProperty("fileName").GetString());

        // The event stream carries every phase to the end, with the percent never going back.
        using var events = await alice.GetAsync(location + "/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        var statuses = new List<JsonElement>();
        using (var reader = new StreamReader(await events.Content.ReadAsStreamAsync()))
        {
            for (var line = await reader.ReadLineAsync(); line is not null; line = await reader.ReadLineAsync())
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    statuses.Add(JsonSerializer.Deserialize<JsonElement>(line[6..]));
                }
            }
        }
        var percents = statuses.Select(s => s.GetProperty("percent").GetDouble()).ToList();
        Assert.Equal(percents.Order(), percents);
        var last = statuses[^1];
        Assert.Equal(("succeeded", 100.0), (last.GetProperty("phase").GetString(), last.GetProperty("percent").GetDouble()));
        Assert.Equal(4000, last.GetProperty("totals").GetProperty("componentsAdded").GetInt32());

        var store = server.Services.GetRequiredService<IDocumentStore>();
        async Task<long> Version()
        {
            await using var session = store.QuerySession();
            return (await session.Events.FetchStreamStateAsync(ProgressIds.ProjectStream(Project)))!.Version;
        }
        var version = await Version();
        var again = await alice.PostAsync($"/api/progress/projects/{Project}/imports", Csv(csv));
        var second = await WaitDoneAsync(alice, again.Headers.Location!);
        Assert.Equal("succeeded", second.GetProperty("phase").GetString());
        Assert.False(second.GetProperty("totals").GetProperty("changed").GetBoolean());
        Assert.Equal(version, await Version());

        var list = await alice.GetFromJsonAsync<JsonElement>($"/api/progress/projects/{Project}/imports");
        Assert.Equal(2, list.GetArrayLength());
    }

    [Fact]
    public async Task A_hostile_upload_gets_a_clear_error_and_stores_nothing()
    {
        await using var server = await StartAsync(postgres, new() { ["Progress:Import:MaxFileBytes"] = "4096" });
        using var alice = await server.HttpAsync("alice");

        var large = await ProblemAsync(await alice.PostAsync($"/api/progress/projects/{Project}/imports", Csv(Components(10, 20))), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("4,096 bytes", large.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Without a Content-Length the counting copy stops it.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(Components(10, 20))));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        chunked.Headers.ContentLength = null;
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/api/progress/projects/{Project}/imports") { Content = chunked })
        {
            request.Headers.TransferEncodingChunked = true;
            await ProblemAsync(await alice.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
        }

        var form = new MultipartFormDataContent { { new StringContent("drawing,area,system\nP-1,A,S\n"), "file", "a.csv" } };
        await ProblemAsync(await alice.PostAsync($"/api/progress/projects/{Project}/imports", form), HttpStatusCode.UnsupportedMediaType);
        await ProblemAsync(await alice.PostAsync($"/api/progress/projects/{Project}/imports", Csv("")), HttpStatusCode.BadRequest);

        var latin1 = new ByteArrayContent(Encoding.Latin1.GetBytes("drawing,title,area,system\nP-1,Ø pipe,A,S\n"));
        latin1.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var rejected = await WaitDoneAsync(alice, (await alice.PostAsync($"/api/progress/projects/{Project}/imports", latin1)).Headers.Location!);
        Assert.Equal("rejected", rejected.GetProperty("phase").GetString());
        var error = rejected.GetProperty("errors")[0];
        Assert.Equal((2, "title"), (error.GetProperty("row").GetInt32(), error.GetProperty("column").GetString()));
        Assert.Contains("not UTF-8", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        var formula = await WaitDoneAsync(alice, (await alice.PostAsync($"/api/progress/projects/{Project}/imports", Csv("drawing,title,area,system\nP-1,=cmd|' /C calc'!A0,A,S\n"))).Headers.Location!);
        Assert.Equal("rejected", formula.GetProperty("phase").GetString());
        Assert.Contains("formula", formula.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);

        var drawings = await server.Services.GetRequiredService<CrdtCollab.Progress.Queries.ProgressQueries>().ListDrawingsAsync(Project);
        Assert.Empty(drawings);
    }

    [Fact]
    public async Task Imports_and_reports_sit_behind_the_project_role()
    {
        await using var server = await StartAsync(postgres);
        using var alice = await server.HttpAsync("alice");
        using var bob = await server.HttpAsync("bob");
        using var anonymous = new HttpClient { BaseAddress = server.BaseUrl };

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/api/progress/projects/{Project}/imports", Csv("drawing,area,system\nP-1,A,S\n"))).StatusCode);
        // Alice created the project and owns it; Bob has the link role (editor) until she makes him a viewer.
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/api/progress/projects/{Project}/imports")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync($"/api/progress/projects/{Project}/imports")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PutAsJsonAsync($"/api/documents/project.{Project}/permissions/bob", new { role = "viewer" })).StatusCode);
        var forbidden = await ProblemAsync(await bob.PostAsync($"/api/progress/projects/{Project}/imports", Csv("drawing,area,system\nP-1,A,S\n")), HttpStatusCode.Forbidden);
        Assert.Contains("editor", forbidden.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync($"/api/progress/projects/{Project}/reports/weekly.csv")).StatusCode);

        await ProblemAsync(await alice.PostAsync("/api/progress/projects/no-such-project/imports", Csv("drawing,area,system\nP-1,A,S\n")), HttpStatusCode.NotFound);
        await ProblemAsync(await alice.GetAsync($"/api/progress/projects/{Project}/imports/imp-0000"), HttpStatusCode.NotFound);
        await ProblemAsync(await alice.GetAsync("/api/progress/projects/Bad.Id/imports"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Weekly_reports_download_as_CSV_and_PDF_and_each_download_is_recorded()
    {
        await using var server = await StartAsync(postgres);
        using var alice = await server.HttpAsync("alice");
        var import = await alice.PostAsync($"/api/progress/projects/{Project}/imports", Csv(Components(3, 2)));
        await WaitDoneAsync(alice, import.Headers.Location!);

        var csv = await alice.GetAsync($"/api/progress/projects/{Project}/reports/weekly.csv?from=2026-11-23&to=2026-11-29");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{Project}-weekly-2026-11-23-to-2026-11-29.csv", csv.Content.Headers.ContentDisposition?.FileNameStar ?? csv.Content.Headers.ContentDisposition?.FileName);
        Assert.StartsWith("section,key,name", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var pdf = await alice.GetAsync($"/api/progress/projects/{Project}/reports/weekly.pdf?from=2026-11-23&to=2026-11-29");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString((await pdf.Content.ReadAsByteArrayAsync())[..5]), StringComparison.Ordinal);

        await ProblemAsync(await alice.GetAsync($"/api/progress/projects/{Project}/reports/weekly.pdf?from=2026-11-30&to=2026-11-23"), HttpStatusCode.BadRequest);
        await ProblemAsync(await alice.GetAsync($"/api/progress/projects/{Project}/reports/weekly.pdf?from=yesterday"), HttpStatusCode.BadRequest);
        await ProblemAsync(await alice.GetAsync($"/api/progress/projects/{Project}/reports/weekly.csv?stalledDays=0"), HttpStatusCode.BadRequest);

        await using var session = server.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var issued = await session.Events.QueryRawEventDataOnly<ReportIssued>().Where(r => r.ProjectId == Project).ToListAsync();
        Assert.Equal(["csv", "pdf"], issued.Select(r => r.Format).Order());
        Assert.All(issued, r => Assert.Equal("alice", r.User));
    }
}
