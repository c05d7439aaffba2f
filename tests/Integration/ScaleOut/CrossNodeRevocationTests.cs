using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using CrdtCollab.Integration.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit;

namespace CrdtCollab.Integration.Tests.ScaleOut;

/// <summary>A permission changed through one node reaches the open sessions on the other within a second.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CrossNodeRevocationTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Downgrading_and_revoking_through_node_A_takes_effect_on_node_B_within_a_second()
    {
        await using var nodes = await TwoNodes.StartAsync(postgres);
        var alice = TestTokens.For("alice");
        var bob = TestTokens.For("bob");
        await using (var owner = await RawHubClient.ConnectAsync(nodes.A, token: alice))
        {
            await owner.JoinAsync("cross-acl");
        }
        using var http = new HttpClient { BaseAddress = nodes.A.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", alice);
        Assert.Equal(HttpStatusCode.NoContent, (await http.PutAsync("/api/documents/cross-acl/permissions/bob",
            new StringContent("{\"role\":\"editor\"}", Encoding.UTF8, "application/json"))).StatusCode);

        await using var hub = await RawHubClient.ConnectAsync(nodes.B, token: bob);
        var role = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var revoked = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Connection.On<string, string>("role", (_, r) => role.TrySetResult(r));
        hub.Connection.On<string, string>("revoked", (_, r) => revoked.TrySetResult(r));
        Assert.Equal("editor", (await hub.JoinAsync("cross-acl")).Role);
        await using var ws = await RawSocket.ConnectAsync(new Uri($"{nodes.B.WsUrl}/ws/cross-acl?token={Uri.EscapeDataString(bob)}"));

        Assert.Equal(HttpStatusCode.NoContent, (await http.PutAsync("/api/documents/cross-acl/permissions/bob",
            new StringContent("{\"role\":\"viewer\"}", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal("viewer", await role.Task.WaitAsync(TimeSpan.FromSeconds(1)));

        Assert.Equal(HttpStatusCode.NoContent, (await http.PutAsync("/api/documents/cross-acl/permissions/bob",
            new StringContent("{\"role\":\"none\"}", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal("access revoked", await revoked.Task.WaitAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal((WebSocketCloseStatus)4403, await ws.WaitForCloseAsync(TimeSpan.FromSeconds(1)));
    }
}
