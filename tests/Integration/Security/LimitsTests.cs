using System.Net;
using System.Net.WebSockets;
using System.Text;
using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Protocols;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Integration.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit;

namespace CrdtCollab.Integration.Tests.Security;

/// <summary>Every limit answers with its own error or close code, stores nothing, and leaves other connections alone.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LimitsTests(PostgresFixture postgres)
{
    private static List<byte[]> Edits(int count, long client)
    {
        var doc = new YDoc(new YDocOptions { ClientId = client });
        var updates = new List<byte[]>();
        doc.UpdateV1 += (_, e) => updates.Add(e.Update);
        for (int i = 0; i < count; i++)
        {
            doc.GetText("codemirror").Insert(0, "x");
        }
        return updates;
    }

    [Fact]
    public async Task An_oversized_message_is_refused_on_every_endpoint_and_others_are_unaffected()
    {
        await using var server = await SyncServer.StartAsync(postgres, new Dictionary<string, string?> { ["Sync:MaxUpdateBytes"] = "65536" });
        var token = await server.TokenAsync("big");
        await using var bystander = await RawHubClient.ConnectAsync(server, user: "bystander");
        await bystander.JoinAsync("big");
        var huge = new byte[70_000];

        await using (var ws = await RawSocket.ConnectAsync(new Uri($"{server.WsUrl}/ws/big?token={token}")))
        {
            await ws.SendAsync(huge);
            Assert.Equal(WebSocketCloseStatus.MessageTooBig, await ws.WaitForCloseAsync(TimeSpan.FromSeconds(5)));
        }
        await using (var hp = await RawSocket.ConnectAsync(new Uri(server.WsUrl + "/hocuspocus")))
        {
            await hp.SendAsync(huge);
            Assert.Equal(WebSocketCloseStatus.MessageTooBig, await hp.WaitForCloseAsync(TimeSpan.FromSeconds(5)));
        }
        await using (var hub = await RawHubClient.ConnectAsync(server, user: "big"))
        {
            await hub.JoinAsync("big");
            // Past SignalR's receive limit the connection is closed; the invocation fails.
            await Assert.ThrowsAnyAsync<Exception>(() => hub.UpdateAsync("big", new byte[80_000]));
        }
        Assert.True((await bystander.UpdateAsync("big", Edits(1, 9)[0])).Stored);
        Assert.Single(await server.OpenStore().ReadStreamAsync(DocumentStreamId.For("big"), 0, 10));
    }

    [Fact]
    public async Task Updates_past_the_rate_limit_are_refused_and_not_stored()
    {
        await using var server = await SyncServer.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Limits:UpdatesPerSecond"] = "2",
            ["Limits:UpdateBurst"] = "5",
        });
        await using var hub = await RawHubClient.ConnectAsync(server);
        await hub.JoinAsync("rated");
        int stored = 0, limited = 0;
        foreach (var u in Edits(12, 11))
        {
            try
            {
                if ((await hub.UpdateAsync("rated", u)).Stored)
                {
                    stored++;
                }
            }
            catch (HubException e) when (e.Message.Contains("HubException: rate-limited:", StringComparison.Ordinal))
            {
                limited++;
            }
        }
        Assert.InRange(stored, 5, 7);
        Assert.Equal(12 - stored, limited);
        Assert.Equal(stored, (await server.OpenStore().ReadStreamAsync(DocumentStreamId.For("rated"), 0, 100)).Count);

        var token = await server.TokenAsync("flooder");
        await using var ws = await RawSocket.ConnectAsync(new Uri($"{server.WsUrl}/ws/rated?token={token}"));
        foreach (var u in Edits(20, 12))
        {
            await ws.SendAsync(YWebSocketEnvelope.EncodeUpdate(u));
        }
        Assert.Equal((WebSocketCloseStatus)4429, await ws.WaitForCloseAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Sessions_per_document_and_per_user_are_bounded()
    {
        await using var server = await SyncServer.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Limits:MaxConnectionsPerDocument"] = "2",
            ["Limits:MaxConnectionsPerUser"] = "3",
        });
        await using var a = await RawHubClient.ConnectAsync(server, user: "ann");
        await using var b = await RawHubClient.ConnectAsync(server, user: "ben");
        await using var c = await RawHubClient.ConnectAsync(server, user: "cat");
        await a.JoinAsync("crowded");
        await b.JoinAsync("crowded");
        var full = await Assert.ThrowsAsync<HubException>(() => c.JoinAsync("crowded"));
        Assert.Contains("HubException: too-many-connections:", full.Message, StringComparison.Ordinal);

        await a.JoinAsync("ann-2");
        await a.JoinAsync("ann-3");
        var tooMany = await Assert.ThrowsAsync<HubException>(() => a.JoinAsync("ann-4"));
        Assert.Contains("HubException: too-many-connections:", tooMany.Message, StringComparison.Ordinal);
        // Leaving frees the slot.
        await a.Connection.InvokeAsync("Leave", "ann-3");
        await a.JoinAsync("ann-4");
    }

    [Fact]
    public async Task HTTP_is_rate_limited_validated_with_problem_details_and_served_with_security_headers()
    {
        await using var server = await SyncServer.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Limits:HttpRequestsPerMinute"] = "8",
            ["Limits:CorsOrigins:0"] = "https://app.example",
        });
        using var http = await server.HttpAsync();
        var page = await http.GetAsync("/");
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        var bad = await http.PostAsync("/api/documents", new StringContent("{\"id\":\"../../etc\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Contains("invalid-document-id", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var cors = new HttpRequestMessage(HttpMethod.Options, "/api/documents");
        cors.Headers.Add("Origin", "https://app.example");
        cors.Headers.Add("Access-Control-Request-Method", "GET");
        var preflight = await http.SendAsync(cors);
        Assert.Equal("https://app.example", preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        using var evil = new HttpRequestMessage(HttpMethod.Options, "/api/documents");
        evil.Headers.Add("Origin", "https://evil.example");
        evil.Headers.Add("Access-Control-Request-Method", "GET");
        Assert.False((await http.SendAsync(evil)).Headers.Contains("Access-Control-Allow-Origin"));

        HttpStatusCode last = HttpStatusCode.OK;
        for (int i = 0; i < 10 && last != HttpStatusCode.TooManyRequests; i++)
        {
            last = (await http.GetAsync("/api/documents")).StatusCode;
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, last);
    }
}
