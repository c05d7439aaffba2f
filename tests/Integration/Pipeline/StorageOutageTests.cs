using System.Net;
using CrdtCollab.Crdt;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Integration.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit;

namespace CrdtCollab.Integration.Tests.Pipeline;

/// <summary>PostgreSQL going away under a running server: nothing is acknowledged, the backlog is bounded, and everything is saved once it returns.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StorageOutageTests(PostgresFixture postgres)
{
    [Fact]
    public async Task While_PostgreSQL_is_away_nothing_is_acknowledged_and_when_it_returns_everything_is_saved_without_a_restart()
    {
        await using var proxy = new PostgresProxy(postgres);
        await using var server = await SyncServer.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = proxy.ConnectionString,
            ["Sync:MaxBacklogUpdates"] = "3",
        });
        await using var client = await RawHubClient.ConnectAsync(server);
        var writer = new YDoc(new YDocOptions { ClientId = 501 });
        var updates = new List<byte[]>();
        writer.UpdateV1 += (_, e) => updates.Add(e.Update);
        var text = writer.GetText("codemirror");
        await client.JoinAsync("outage");
        text.Insert(0, "saved before; ");
        await client.UpdateAsync("outage", updates[^1]);

        proxy.Cut();
        var unsaved = new List<Task<Host.Endpoints.Hub.UpdateAck>>();
        for (int i = 0; i < 3; i++)
        {
            text.Insert(text.Length, $"during {i}; ");
            unsaved.Add(client.UpdateAsync("outage", updates[^1]));
        }
        await Task.Delay(1500);
        Assert.All(unsaved, t => Assert.False(t.IsCompleted));
        using var http = await server.HttpAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health")).StatusCode);

        // The backlog is full: a further update is refused, not applied, and not broadcast.
        text.Insert(text.Length, "refused; ");
        var refused = await Assert.ThrowsAsync<HubException>(() => client.UpdateAsync("outage", updates[^1]));
        Assert.Contains("HubException: not-saved:", refused.Message, StringComparison.Ordinal);

        proxy.Restore();
        var acks = await Task.WhenAll(unsaved).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.All(acks, a => Assert.True(a.Stored));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);

        // The refused update comes back through the client's resync, as a provider does on reconnect.
        var sync = await client.Connection.InvokeAsync<Host.Endpoints.Hub.SyncResult>("Sync", "outage", writer.EncodeStateVector());
        var missing = writer.EncodeStateAsUpdate(sync.StateVector);
        Assert.True((await client.UpdateAsync("outage", missing)).Stored);
        var replay = await server.ReplayAsync("outage");
        Assert.Equal(text.ToString(), replay.GetText("codemirror").ToString());
        var events = await server.OpenStore().ReadStreamAsync(DocumentStreamId.For("outage"), 0, 100);
        Assert.Equal(5, events.Count);
    }
}
