using System.Net;
using System.Net.Http.Headers;
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

/// <summary>
/// The authorisation table of issue 12, on every endpoint (REST, SignalR hub, y-websocket,
/// Hocuspocus), against a server that trusts an external issuer (a shared key the tests hold).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AuthorizationTests(PostgresFixture postgres)
{
    private static byte[] Edit(string text, long client)
    {
        var doc = new YDoc(new YDocOptions { ClientId = client });
        byte[]? update = null;
        doc.UpdateV1 += (_, e) => update = e.Update;
        doc.GetText("codemirror").Insert(0, text);
        return update!;
    }

    private static HttpClient Http(SyncServer server, string? token)
    {
        var http = new HttpClient { BaseAddress = server.BaseUrl };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return http;
    }

    private static Uri WsUrl(SyncServer server, string doc, string? token) =>
        new($"{server.WsUrl}/ws/{doc}" + (token is null ? "" : "?token=" + Uri.EscapeDataString(token)));

    private static async Task SetRoleAsync(SyncServer server, string ownerToken, string doc, string user, string role)
    {
        using var http = Http(server, ownerToken);
        var response = await http.PutAsync($"/api/documents/{doc}/permissions/{Uri.EscapeDataString(user)}",
            new StringContent($"{{\"role\":\"{role}\"}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static async Task<long> StoredEventsAsync(SyncServer server, string doc) =>
        (await server.OpenStore().ReadStreamAsync(DocumentStreamId.For(doc), 0, 1000)).Count;

    [Fact]
    public async Task Bad_tokens_are_refused_on_every_endpoint()
    {
        await using var server = await SyncServer.StartAsync(postgres, TestTokens.ServerSettings());
        foreach (var (name, token) in TestTokens.BadTokens())
        {
            using var http = Http(server, token);
            Assert.True((await http.GetAsync("/api/documents")).StatusCode == HttpStatusCode.Unauthorized, $"REST accepted {name}");

            var hub = new HubConnectionBuilder().WithUrl(new Uri(server.BaseUrl, "/hubs/sync"), o => o.AccessTokenProvider = () => Task.FromResult(token)).Build();
            await Assert.ThrowsAnyAsync<Exception>(() => hub.StartAsync());
            await hub.DisposeAsync();

            var refused = await Assert.ThrowsAsync<WebSocketException>(() => RawSocket.ConnectAsync(WsUrl(server, "table", token)));
            Assert.Contains("401", refused.Message, StringComparison.Ordinal);

            await using var hp = await RawSocket.ConnectAsync(new Uri(server.WsUrl + "/hocuspocus"));
            await hp.SendAsync(HocuspocusFrames.Auth("table", token));
            var answer = HocuspocusFrames.Read((await hp.ReceiveAsync(TimeSpan.FromSeconds(5)))!);
            Assert.True(answer is { Type: 2, Sub: 1 }, $"Hocuspocus accepted {name}");
            Assert.StartsWith("unauthorized:", answer.Text, StringComparison.Ordinal);
        }
        Assert.Equal(0, await StoredEventsAsync(server, "table"));
    }

    [Fact]
    public async Task The_dev_token_endpoint_does_not_exist_with_an_external_issuer()
    {
        await using var server = await SyncServer.StartAsync(postgres, TestTokens.ServerSettings());
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        var response = await http.PostAsync("/auth/dev-token", new StringContent("{\"name\":\"eve\"}", Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, response.StatusCode.ToString());
    }

    [Fact]
    public async Task A_good_token_for_a_document_without_a_role_on_it_is_refused_everywhere()
    {
        await using var server = await SyncServer.StartAsync(postgres, TestTokens.ServerSettings());
        var alice = TestTokens.For("alice");
        var bob = TestTokens.For("bob");
        await using (var owner = await RawHubClient.ConnectAsync(server, token: alice))
        {
            await owner.JoinAsync("private");
            await owner.UpdateAsync("private", Edit("alice's secret", 1));
        }
        using (var http = Http(server, alice))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("/api/documents/private/permissions/*")).StatusCode);
        }

        using (var http = Http(server, bob))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/documents/private/text")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/documents/private/state")).StatusCode);
            Assert.DoesNotContain("\"private\"", await http.GetStringAsync("/api/documents"), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await http.PutAsync("/api/documents/private/permissions/bob",
                new StringContent("{\"role\":\"owner\"}", Encoding.UTF8, "application/json"))).StatusCode);
        }
        await using (var hub = await RawHubClient.ConnectAsync(server, token: bob))
        {
            var e = await Assert.ThrowsAsync<HubException>(() => hub.JoinAsync("private"));
            Assert.Contains("HubException: forbidden:", e.Message, StringComparison.Ordinal);
        }
        await using (var ws = await RawSocket.ConnectAsync(WsUrl(server, "private", bob)))
        {
            Assert.Equal((WebSocketCloseStatus)4403, await ws.WaitForCloseAsync(TimeSpan.FromSeconds(5)));
            Assert.Null(await ws.ReceiveAsync(TimeSpan.FromMilliseconds(100)));
        }
        await using (var hp = await RawSocket.ConnectAsync(new Uri(server.WsUrl + "/hocuspocus")))
        {
            await hp.SendAsync(HocuspocusFrames.Auth("private", bob));
            var answer = HocuspocusFrames.Read((await hp.ReceiveAsync(TimeSpan.FromSeconds(5)))!);
            Assert.Equal((2, 1), (answer.Type, answer.Sub));
            Assert.StartsWith("forbidden:", answer.Text, StringComparison.Ordinal);
        }
        Assert.Equal(1, await StoredEventsAsync(server, "private"));
    }

    [Fact]
    public async Task A_viewer_receives_but_every_write_is_refused_and_neither_stored_nor_broadcast()
    {
        await using var server = await SyncServer.StartAsync(postgres, TestTokens.ServerSettings());
        var alice = TestTokens.For("alice");
        var bob = TestTokens.For("bob");
        await using var owner = await RawHubClient.ConnectAsync(server, token: alice);
        var seenByOwner = 0;
        owner.Connection.On<string, byte[]>("update", (_, _) => Interlocked.Increment(ref seenByOwner));
        await owner.JoinAsync("viewed");
        await SetRoleAsync(server, alice, "viewed", "*", "viewer");

        await using var hub = await RawHubClient.ConnectAsync(server, token: bob);
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Connection.On<string, byte[]>("update", (_, _) => received.TrySetResult());
        var joined = await hub.JoinAsync("viewed");
        Assert.Equal("viewer", joined.Role);
        var e = await Assert.ThrowsAsync<HubException>(() => hub.UpdateAsync("viewed", Edit("hub write", 2)));
        Assert.Contains("HubException: forbidden:", e.Message, StringComparison.Ordinal);

        await using var ws = await RawSocket.ConnectAsync(WsUrl(server, "viewed", bob));
        await ws.SendAsync(YWebSocketEnvelope.EncodeUpdate(Edit("ws write", 3)));
        var denied = await ws.ReceiveUntilAsync(m => m[0] == (byte)YWebSocketMessageType.Auth, TimeSpan.FromSeconds(5));
        Assert.NotNull(denied);
        Assert.StartsWith("forbidden:", YWebSocketEnvelope.DecodePermissionDenied(denied), StringComparison.Ordinal);

        await using var hp = await RawSocket.ConnectAsync(new Uri(server.WsUrl + "/hocuspocus"));
        await hp.SendAsync(HocuspocusFrames.Auth("viewed", bob));
        var scope = HocuspocusFrames.Read((await hp.ReceiveAsync(TimeSpan.FromSeconds(5)))!);
        Assert.Equal((2, 2, "readonly"), (scope.Type, scope.Sub, scope.Text));
        await hp.SendAsync(HocuspocusFrames.Update("viewed", Edit("hocuspocus write", 4)));
        var status = await hp.ReceiveUntilAsync(m => HocuspocusFrames.Read(m).Type == 8, TimeSpan.FromSeconds(5));
        Assert.Equal(new byte[] { 8, 0 }, status![^2..]);

        // The viewer still receives the owner's edits.
        await owner.UpdateAsync("viewed", Edit("owner writes", 5));
        await received.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(200);
        Assert.Equal(0, Volatile.Read(ref seenByOwner));
        Assert.Equal(1, await StoredEventsAsync(server, "viewed"));
    }

    [Fact]
    public async Task Downgrading_and_revoking_an_editor_takes_effect_on_open_connections_within_a_second()
    {
        await using var server = await SyncServer.StartAsync(postgres, TestTokens.ServerSettings());
        var alice = TestTokens.For("alice");
        var bob = TestTokens.For("bob");
        await using (var owner = await RawHubClient.ConnectAsync(server, token: alice))
        {
            await owner.JoinAsync("revocable");
        }
        await SetRoleAsync(server, alice, "revocable", "*", "none");
        await SetRoleAsync(server, alice, "revocable", "bob", "editor");

        await using var hub = await RawHubClient.ConnectAsync(server, token: bob);
        var role = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var revoked = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Connection.On<string, string>("role", (_, r) => role.TrySetResult(r));
        hub.Connection.On<string, string>("revoked", (_, r) => revoked.TrySetResult(r));
        Assert.Equal("editor", (await hub.JoinAsync("revocable")).Role);
        Assert.True((await hub.UpdateAsync("revocable", Edit("bob edits", 6))).Stored);
        await using var ws = await RawSocket.ConnectAsync(WsUrl(server, "revocable", bob));
        await using var hp = await RawSocket.ConnectAsync(new Uri(server.WsUrl + "/hocuspocus"));
        await hp.SendAsync(HocuspocusFrames.Auth("revocable", bob));
        Assert.Equal("read-write", HocuspocusFrames.Read((await hp.ReceiveAsync(TimeSpan.FromSeconds(5)))!).Text);

        var started = DateTime.UtcNow;
        await SetRoleAsync(server, alice, "revocable", "bob", "viewer");
        Assert.Equal("viewer", await role.Task.WaitAsync(TimeSpan.FromSeconds(1)));
        var readonlyScope = await hp.ReceiveUntilAsync(m => HocuspocusFrames.Read(m) is { Type: 2, Sub: 2 }, TimeSpan.FromSeconds(1));
        Assert.Equal("readonly", HocuspocusFrames.Read(readonlyScope!).Text);
        var notice = await ws.ReceiveUntilAsync(m => m[0] == (byte)YWebSocketMessageType.Auth, TimeSpan.FromSeconds(1));
        Assert.NotNull(notice);
        var e = await Assert.ThrowsAsync<HubException>(() => hub.UpdateAsync("revocable", Edit("after downgrade", 7)));
        Assert.Contains("HubException: forbidden:", e.Message, StringComparison.Ordinal);

        using (var http = Http(server, alice))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("/api/documents/revocable/permissions/bob")).StatusCode);
        }
        Assert.Equal("access revoked", await revoked.Task.WaitAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal((WebSocketCloseStatus)4403, await ws.WaitForCloseAsync(TimeSpan.FromSeconds(1)));
        var denied = await hp.ReceiveUntilAsync(m => HocuspocusFrames.Read(m) is { Type: 2, Sub: 1 }, TimeSpan.FromSeconds(1));
        Assert.Equal("access revoked", HocuspocusFrames.Read(denied!).Text);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3));
        var notJoined = await Assert.ThrowsAsync<HubException>(() => hub.UpdateAsync("revocable", Edit("after revoke", 8)));
        Assert.Contains("HubException: not-joined:", notJoined.Message, StringComparison.Ordinal);
        Assert.Equal(1, await StoredEventsAsync(server, "revocable"));
    }

    [Fact]
    public async Task A_users_own_rule_beats_the_link_role_and_removing_it_falls_back_to_the_link_role()
    {
        await using var server = await SyncServer.StartAsync(postgres, TestTokens.ServerSettings());
        var alice = TestTokens.For("alice");
        var bob = TestTokens.For("bob");
        await using (var owner = await RawHubClient.ConnectAsync(server, token: alice))
        {
            await owner.JoinAsync("shared");
        }
        await SetRoleAsync(server, alice, "shared", "bob", "viewer");
        await using var hub = await RawHubClient.ConnectAsync(server, token: bob);
        Assert.Equal("viewer", (await hub.JoinAsync("shared")).Role);
        await SetRoleAsync(server, alice, "shared", "bob", "none");
        using (var http = Http(server, bob))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/documents/shared")).StatusCode);
        }
        using (var http = Http(server, alice))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("/api/documents/shared/permissions/bob")).StatusCode);
        }
        using (var http = Http(server, bob))
        {
            Assert.Contains("\"role\":\"editor\"", await http.GetStringAsync("/api/documents/shared"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Only_the_owner_manages_permissions_and_every_change_is_recorded_with_who_and_when()
    {
        await using var server = await SyncServer.StartAsync(postgres, TestTokens.ServerSettings());
        var alice = TestTokens.For("alice");
        var bob = TestTokens.For("bob");
        using (var http = Http(server, alice))
        {
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/api/documents", new StringContent("{\"id\":\"managed\"}", Encoding.UTF8, "application/json"))).StatusCode);
        }
        await SetRoleAsync(server, alice, "managed", "bob", "editor");
        using (var http = Http(server, bob))
        {
            var response = await http.PutAsync("/api/documents/managed/permissions/carol", new StringContent("{\"role\":\"editor\"}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await http.DeleteAsync("/api/documents/managed/permissions/alice")).StatusCode);
        }
        using (var http = Http(server, alice))
        {
            var history = await http.GetStringAsync("/api/documents/managed/permissions/history");
            using var json = System.Text.Json.JsonDocument.Parse(history);
            var rows = json.RootElement.EnumerateArray().Select(r => (r.GetProperty("userId").GetString(), r.GetProperty("role").GetString(), r.GetProperty("changedBy").GetString())).ToArray();
            Assert.Contains(("alice", "owner", "alice"), rows);
            Assert.Contains(("bob", "editor", "alice"), rows);
            Assert.All(json.RootElement.EnumerateArray(), r => Assert.True(r.GetProperty("changedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5)));
        }
    }
}
