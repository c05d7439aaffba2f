using CrdtCollab.Crdt;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Integration.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;
using Xunit;

namespace CrdtCollab.Integration.Tests.Pipeline;

/// <summary>The sync server's pipeline: validate → apply → batch → commit → ack, against a real server and PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PipelineTests(PostgresFixture postgres)
{
    private static byte[] TextUpdate(long clientId, string text, YDoc? onto = null)
    {
        var doc = onto ?? new YDoc(new YDocOptions { ClientId = clientId });
        byte[]? update = null;
        doc.UpdateV1 += (_, e) => update = e.Update;
        doc.GetText("codemirror").Insert(0, text);
        return update!;
    }

    [Fact]
    public async Task A_flush_appends_the_updates_of_every_document_in_one_transaction_in_order()
    {
        // A long flush window so that all updates land in one batch.
        await using var server = await SyncServer.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Sync:FlushInterval"] = "00:00:00.300",
            ["Sync:FlushMaxUpdates"] = "1000",
        });
        await using var client = await RawHubClient.ConnectAsync(server);
        var docs = Enumerable.Range(0, 8).Select(i => $"batch-{i}").ToArray();
        var writers = docs.Select(_ => new YDoc()).ToArray();
        foreach (var d in docs)
        {
            await client.JoinAsync(d);
        }
        var acks = new List<Task<Host.Endpoints.Hub.UpdateAck>>();
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < docs.Length; i++)
            {
                acks.Add(client.UpdateAsync(docs[i], TextUpdate(0, $"r{round};", writers[i])));
            }
        }
        var results = await Task.WhenAll(acks);
        Assert.All(results, a => Assert.True(a.Stored));

        await using var command = postgres.DataSource.CreateCommand(
            $"SELECT count(DISTINCT tx_id), count(DISTINCT stream_id), count(*) FROM {server.Schema}.events");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        long transactions = reader.GetInt64(0), streams = reader.GetInt64(1), events = reader.GetInt64(2);
        Assert.Equal(docs.Length, streams);
        Assert.Equal(24, events);
        // One batch (sometimes two, if the window splits them) for 24 updates over 8 documents.
        Assert.InRange(transactions, 1, 2);
        for (int i = 0; i < docs.Length; i++)
        {
            var replay = await server.ReplayAsync(docs[i]);
            Assert.Equal(writers[i].GetText("codemirror").ToString(), replay.GetText("codemirror").ToString());
            var stream = await server.OpenStore().ReadStreamAsync(DocumentStreamId.For(docs[i]), 0, 100);
            Assert.Equal(new long[] { 1, 2, 3 }, stream.Select(e => e.StreamVersion));
        }
    }

    [Fact]
    public async Task A_malformed_update_is_refused_with_a_specific_error_and_nothing_is_applied_or_stored()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        await using var client = await RawHubClient.ConnectAsync(server);
        await client.JoinAsync("hostile");
        var good = TextUpdate(7, "kept");
        await client.UpdateAsync("hostile", good);
        var truncated = good[..^3];
        var error = await Assert.ThrowsAsync<HubException>(() => client.UpdateAsync("hostile", truncated));
        Assert.Contains("HubException: invalid-update:", error.Message, StringComparison.Ordinal);
        var garbage = new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F };
        error = await Assert.ThrowsAsync<HubException>(() => client.UpdateAsync("hostile", garbage));
        Assert.Contains("HubException: invalid-update:", error.Message, StringComparison.Ordinal);

        var events = await server.OpenStore().ReadStreamAsync(DocumentStreamId.For("hostile"), 0, 100);
        Assert.Single(events);
        using var http = await server.HttpAsync();
        Assert.Equal("kept", await http.GetStringAsync("/api/documents/hostile/text"));
        // The connection survives a refused update.
        var ack = await client.UpdateAsync("hostile", TextUpdate(8, "more "));
        Assert.True(ack.Stored);
    }

    [Fact]
    public async Task An_update_that_adds_nothing_is_acknowledged_and_not_stored_again()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        await using var a = await RawHubClient.ConnectAsync(server);
        await using var b = await RawHubClient.ConnectAsync(server, messagePack: true);
        await a.JoinAsync("dedup");
        await b.JoinAsync("dedup");
        var update = TextUpdate(11, "once");
        var first = await a.UpdateAsync("dedup", update);
        var again = await b.UpdateAsync("dedup", update);
        Assert.True(first.Stored);
        Assert.False(again.Stored);
        Assert.Equal(first.Version, again.Version);
        var events = await server.OpenStore().ReadStreamAsync(DocumentStreamId.For("dedup"), 0, 100);
        Assert.Single(events);
    }

    [Fact]
    public async Task Updates_of_a_client_are_broadcast_to_the_others_and_not_echoed()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        await using var a = await RawHubClient.ConnectAsync(server);
        await using var b = await RawHubClient.ConnectAsync(server, messagePack: true);
        var receivedByA = new List<byte[]>();
        var receivedByB = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        a.Connection.On<string, byte[]>("update", (_, u) => { lock (receivedByA) { receivedByA.Add(u); } });
        b.Connection.On<string, byte[]>("update", (_, u) => receivedByB.TrySetResult(u));
        await a.JoinAsync("fanout");
        await b.JoinAsync("fanout");
        await a.UpdateAsync("fanout", TextUpdate(21, "hello b"));
        var got = await receivedByB.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var replica = new YDoc();
        replica.ApplyUpdate(got);
        Assert.Equal("hello b", replica.GetText("codemirror").ToString());
        await Task.Delay(100);
        lock (receivedByA)
        {
            Assert.Empty(receivedByA);
        }
    }

    [Fact]
    public async Task Join_answers_with_what_the_client_lacks_and_the_servers_state_vector()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        await using (var writer = await RawHubClient.ConnectAsync(server))
        {
            await writer.JoinAsync("join-sync");
            await writer.UpdateAsync("join-sync", TextUpdate(31, "stored text"));
        }
        await server.RestartAsync();
        await using var reader = await RawHubClient.ConnectAsync(server);
        var local = new YDoc(new YDocOptions { ClientId = 32 });
        local.GetText("codemirror").Insert(0, "offline ");
        var joined = await reader.JoinAsync("join-sync", local.EncodeStateVector());
        local.ApplyUpdate(joined.Update);
        // Send what the server lacks, as a provider does after joining.
        var missing = local.EncodeStateAsUpdate(joined.StateVector);
        Assert.True((await reader.UpdateAsync("join-sync", missing)).Stored);
        var replay = await server.ReplayAsync("join-sync");
        Assert.Equal(local.GetText("codemirror").ToString(), replay.GetText("codemirror").ToString());
        Assert.Contains("stored text", replay.GetText("codemirror").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_for_a_document_not_joined_or_with_a_bad_id_are_refused()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        await using var client = await RawHubClient.ConnectAsync(server);
        var error = await Assert.ThrowsAsync<HubException>(() => client.UpdateAsync("never-joined", TextUpdate(41, "x")));
        Assert.Contains("HubException: not-joined:", error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<HubException>(() => client.JoinAsync("../etc/passwd"));
        Assert.Contains("HubException: invalid-document-id:", error.Message, StringComparison.Ordinal);
        await using var count = postgres.DataSource.CreateCommand($"SELECT count(*) FROM {server.Schema}.events");
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Shutdown_commits_the_pending_batch_before_it_closes_the_connections()
    {
        // A flush window far longer than the test: only the shutdown can flush these.
        var server = await SyncServer.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Sync:FlushInterval"] = "00:00:05",
            ["Sync:FlushMaxUpdates"] = "100000",
        });
        await using var client = await RawHubClient.ConnectAsync(server);
        await client.JoinAsync("shutdown");
        var writer = new YDoc();
        // Fewer than the hub runs at once per client (16), so every one is in flight when the stop begins.
        var acks = Enumerable.Range(0, 10).Select(i => client.UpdateAsync("shutdown", TextUpdate(0, $"{i};", writer))).ToArray();
        await Task.Delay(200);
        Assert.All(acks, a => Assert.False(a.IsCompleted));
        var stopping = server.StopAsync();
        var results = await Task.WhenAll(acks).WaitAsync(TimeSpan.FromSeconds(15));
        await stopping;
        Assert.All(results, r => Assert.True(r.Stored));
        var events = await server.OpenStore().ReadStreamAsync(DocumentStreamId.For("shutdown"), 0, 100);
        Assert.Equal(10, events.Count);
    }
}
