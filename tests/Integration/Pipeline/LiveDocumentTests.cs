using CrdtCollab.Crdt;
using CrdtCollab.EventStore;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Integration.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CrdtCollab.Integration.Tests.Pipeline;

/// <summary>Live documents: loaded once, never served from a failed load, evicted with a snapshot, bounded in number and size.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LiveDocumentTests(PostgresFixture postgres)
{
    private static byte[] Insert(YDoc doc, string text)
    {
        byte[]? update = null;
        void Capture(object? s, YUpdateEventArgs e) => update = e.Update;
        doc.UpdateV1 += Capture;
        doc.GetText("codemirror").Insert(doc.GetText("codemirror").Length, text);
        doc.UpdateV1 -= Capture;
        return update!;
    }

    [Fact]
    public async Task Concurrent_first_joins_share_one_load()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        var registry = server.Services.GetRequiredService<LiveDocumentRegistry>();
        var loads = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => registry.GetOrLoadAsync("shared-load", CancellationToken.None))));
        Assert.All(loads, d => Assert.Same(loads[0], d));
    }

    [Fact]
    public async Task A_document_whose_load_fails_is_never_served_and_the_next_join_loads_again()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        var store = server.OpenStore();
        await store.MigrateAsync();
        var stream = DocumentStreamId.For("broken-load");
        var writer = new YDoc();
        await store.AppendAsync(new AppendRequest(stream, ExpectedVersion.Any, [new EventData("update", Insert(writer, "good"))]));
        // A corrupt event in the log (as a bad disk or a bad import would leave).
        await store.AppendAsync(new AppendRequest(stream, ExpectedVersion.Any, [new EventData("update", [0x01, 0x05, 0xFF])]));

        await using var client = await RawHubClient.ConnectAsync(server);
        await Assert.ThrowsAsync<HubException>(() => client.JoinAsync("broken-load"));
        var registry = server.Services.GetRequiredService<LiveDocumentRegistry>();
        Assert.Null(registry.Find("broken-load"));
        using var http = await server.HttpAsync();
        Assert.False((await http.GetAsync("/api/documents/broken-load/state")).IsSuccessStatusCode);

        await using (var fix = postgres.DataSource.CreateCommand($"DELETE FROM {server.Schema}.events WHERE stream_id = $1 AND stream_version = 2"))
        {
            fix.Parameters.AddWithValue(stream);
            await fix.ExecuteNonQueryAsync();
        }
        var joined = await client.JoinAsync("broken-load");
        var replica = new YDoc();
        replica.ApplyUpdate(joined.Update);
        Assert.Equal("good", replica.GetText("codemirror").ToString());
    }

    [Fact]
    public async Task An_idle_document_is_evicted_with_a_snapshot_and_loads_again_from_it()
    {
        await using var server = await SyncServer.StartAsync(postgres, new Dictionary<string, string?> { ["Sync:IdleTimeout"] = "00:00:00" });
        var writer = new YDoc();
        await using (var client = await RawHubClient.ConnectAsync(server))
        {
            await client.JoinAsync("evict-me");
            for (int i = 0; i < 5; i++)
            {
                await client.UpdateAsync("evict-me", Insert(writer, $"{i} "));
            }
        }
        var registry = server.Services.GetRequiredService<LiveDocumentRegistry>();
        var eviction = server.Services.GetRequiredService<DocumentEvictionService>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (registry.Find("evict-me") is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            eviction.Sweep();
        }
        Assert.Null(registry.Find("evict-me"));
        Snapshot? snapshot = null;
        while (snapshot is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            snapshot = (await server.OpenStore().LoadDocumentAsync(DocumentStreamId.For("evict-me"))).Snapshot;
        }
        Assert.NotNull(snapshot);
        Assert.Equal(5, snapshot.Version);

        await using var again = await RawHubClient.ConnectAsync(server);
        var joined = await again.JoinAsync("evict-me");
        var replica = new YDoc();
        replica.ApplyUpdate(joined.Update);
        Assert.Equal(writer.GetText("codemirror").ToString(), replica.GetText("codemirror").ToString());
    }

    [Fact]
    public async Task A_snapshot_is_written_every_N_committed_updates()
    {
        await using var server = await SyncServer.StartAsync(postgres, new Dictionary<string, string?> { ["Sync:SnapshotEvery"] = "4" });
        await using var client = await RawHubClient.ConnectAsync(server);
        await client.JoinAsync("periodic");
        var writer = new YDoc();
        for (int i = 0; i < 9; i++)
        {
            await client.UpdateAsync("periodic", Insert(writer, "x"));
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        Snapshot? snapshot = null;
        while ((snapshot?.Version ?? 0) < 8 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            snapshot = (await server.OpenStore().LoadDocumentAsync(DocumentStreamId.For("periodic"))).Snapshot;
        }
        Assert.NotNull(snapshot);
        Assert.InRange(snapshot.Version, 8, 9);
    }

    [Fact]
    public async Task The_number_and_size_of_live_documents_are_bounded()
    {
        await using var server = await SyncServer.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Sync:MaxLiveDocuments"] = "2",
            ["Sync:MaxDocumentBytes"] = "2048",
        });
        await using var client = await RawHubClient.ConnectAsync(server);
        await client.JoinAsync("bounded-1");
        await client.JoinAsync("bounded-2");
        var busy = await Assert.ThrowsAsync<HubException>(() => client.JoinAsync("bounded-3"));
        Assert.Contains("HubException: server-busy:", busy.Message, StringComparison.Ordinal);

        var writer = new YDoc();
        await client.UpdateAsync("bounded-1", Insert(writer, new string('a', 1000)));
        var full = await Assert.ThrowsAsync<HubException>(() => client.UpdateAsync("bounded-1", Insert(writer, new string('b', 1500))));
        Assert.Contains("HubException: document-too-large:", full.Message, StringComparison.Ordinal);
        var events = await server.OpenStore().ReadStreamAsync(DocumentStreamId.For("bounded-1"), 0, 100);
        Assert.Single(events);

        // Leaving makes room: the idle document is evicted for the new one.
        await client.Connection.InvokeAsync("Leave", "bounded-2");
        await client.JoinAsync("bounded-3");
    }
}
