using System.Net.Http.Json;
using CrdtCollab.Client;
using CrdtCollab.Crdt;
using CrdtCollab.Integration.Tests.Support;
using Xunit;
using static CrdtCollab.Integration.Tests.Server.ServerTestKit;

namespace CrdtCollab.Integration.Tests.Server;

/// <summary>
/// The .NET client follows the user's role: a viewer's edits stay pending (nothing is sent, so
/// nothing is refused), they go out once the role can write again, and a revoked client stops
/// for good instead of re-joining forever.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClientRoleTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(SyncClientProtocol.Json)]
    [InlineData(SyncClientProtocol.MessagePack)]
    public async Task A_viewer_keeps_edits_pending_until_it_may_write_and_a_revoked_client_stops(SyncClientProtocol protocol)
    {
        await using var server = await SyncServer.StartAsync(postgres);
        var doc = "roles-" + protocol;
        await using var ann = await SyncClient.ConnectAsync(server.BaseUrl, doc, new YDoc(), await OptionsAsync(server, protocol, "Ann"));
        await using var bob = await SyncClient.ConnectAsync(server.BaseUrl, doc, new YDoc(), await OptionsAsync(server, protocol, "Bob"));
        Assert.Equal("owner", ann.Role);
        Assert.Equal("editor", bob.Role);
        var roles = new List<string>();
        bob.RoleChanged += (_, e) =>
        {
            lock (roles)
            {
                roles.Add(e.Role);
            }
        };
        using var owner = await server.HttpAsync("Ann");

        // Downgraded while connected (through the link role, which Bob has): the hub's role
        // message arrives, and edits are kept.
        (await owner.PutAsJsonAsync($"api/documents/{doc}/permissions/*", new { role = "viewer" })).EnsureSuccessStatusCode();
        await EventuallyAsync(() => Task.FromResult(bob.Role == "viewer"), "Bob's client learns he is a viewer", Wait);
        Assert.False(bob.CanWrite);
        bob.Transact(_ => bob.Document.GetText(Text).Insert(0, "[viewer edit]"));
        await Task.Delay(500);
        Assert.Equal(1, bob.PendingUpdates);
        Assert.Equal(SyncClientStatus.Connected, bob.Status);
        Assert.DoesNotContain("[viewer edit]", TextOf(ann));
        Assert.DoesNotContain("[viewer edit]", TextOf(await ServerStateAsync(server, doc)));

        // Editor again (his own rule): what was kept goes out and is saved.
        (await owner.PutAsJsonAsync($"api/documents/{doc}/permissions/bob", new { role = "editor" })).EnsureSuccessStatusCode();
        await bob.WhenSavedAsync().WaitAsync(Wait);
        await EventuallyAsync(() => Task.FromResult(TextOf(ann).Contains("[viewer edit]", StringComparison.Ordinal)), "Ann receives Bob's kept edit", Wait);
        lock (roles)
        {
            Assert.Equal(["viewer", "editor"], roles);
        }

        // Revoked (his own rule removed, the link role set to none): terminal.
        (await owner.PutAsJsonAsync($"api/documents/{doc}/permissions/*", new { role = "none" })).EnsureSuccessStatusCode();
        (await owner.DeleteAsync($"api/documents/{doc}/permissions/bob")).EnsureSuccessStatusCode();
        await EventuallyAsync(() => Task.FromResult(bob.Status == SyncClientStatus.Revoked), "Bob's client stops as revoked", Wait);
        Assert.NotNull(bob.AccessError);
        bob.Transact(_ => bob.Document.GetText(Text).Insert(0, "[after revoke]"));
        await Assert.ThrowsAsync<SyncAccessException>(() => bob.WhenSavedAsync().WaitAsync(Wait));
        await Task.Delay(500);
        Assert.Equal(SyncClientStatus.Revoked, bob.Status);
        Assert.Equal(SyncClientStatus.Connected, ann.Status);

        // A join without any role is refused at once, not retried.
        var refused = await Assert.ThrowsAsync<SyncAccessException>(async () =>
            await SyncClient.ConnectAsync(server.BaseUrl, doc, new YDoc(), await OptionsAsync(server, protocol, "Carol")).WaitAsync(Wait));
        Assert.StartsWith("forbidden:", refused.Message, StringComparison.Ordinal);
    }
}
