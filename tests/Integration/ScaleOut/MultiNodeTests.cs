using System.Text.Json.Nodes;
using CrdtCollab.Client;
using CrdtCollab.Crdt;
using CrdtCollab.EventStore;
using CrdtCollab.Host.Endpoints.Hub;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Host.ScaleOut;
using CrdtCollab.Integration.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static CrdtCollab.Integration.Tests.Server.ServerTestKit;

namespace CrdtCollab.Integration.Tests.ScaleOut;

/// <summary>
/// Two nodes on one log and one Redis: clients of either node see each other's edits and
/// presence, every update is stored once (by the node its client sent it to), and a node that
/// missed messages catches up from the log.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MultiNodeTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Clients_on_two_nodes_see_each_others_edits_and_every_update_is_stored_once()
    {
        await using var nodes = await TwoNodes.StartAsync(postgres);
        const string Doc = "two-nodes-1";
        Assert.IsType<RedisHubLifetimeManager<SyncHub>>(nodes.A.Services.GetRequiredService<HubLifetimeManager<SyncHub>>());
        var ywsA = await NodeClients.StartAsync(NodeTransport.YWebsocket, nodes.A.WsUrl, Doc, "ywsA", TestTokens.For("ywsA"));
        try
        {
            await EditedOnBothNodesAsync(nodes, Doc, ywsA);
        }
        finally
        {
            await ywsA.DisposeAsync();
        }
    }

    private static async Task EditedOnBothNodesAsync(TwoNodes nodes, string Doc, NodeClient ywsA)
    {
        await using var ywsB = await NodeClients.StartAsync(NodeTransport.YWebsocket, nodes.B.WsUrl, Doc, "ywsB", TestTokens.For("ywsB"));
        await using var hocusB = await NodeClients.StartAsync(NodeTransport.Hocuspocus, nodes.B.WsUrl, Doc, "hocusB", TestTokens.For("hocusB"));
        await using var dotnetA = await SyncClient.ConnectAsync(nodes.A.BaseUrl, Doc, new YDoc(), Options(SyncClientProtocol.Json, () => Task.FromResult<string?>(TestTokens.For("dotnet"))));
        await using var dotnetB = await SyncClient.ConnectAsync(nodes.B.BaseUrl, Doc, new YDoc(), Options(SyncClientProtocol.MessagePack, () => Task.FromResult<string?>(TestTokens.For("dotnet"))));

        // One edit each way first: a SignalR edit on A reaches y-websocket on B, and back.
        dotnetA.Transact(_ => dotnetA.Document.GetText(Text).Insert(0, "[signalr-on-A]"));
        await ywsB.WaitTextAsync(["[signalr-on-A]"], Wait);
        await ywsB.InsertAsync(0, "[yws-on-B]");
        await EventuallyAsync(() => Task.FromResult(TextOf(dotnetA).Contains("[yws-on-B]", StringComparison.Ordinal)), "dotnetA sees ywsB's edit", Wait);

        // Presence crosses nodes too, and so does its removal when the client leaves.
        await ywsA.SetAwarenessAsync(new JsonObject { ["user"] = new JsonObject { ["name"] = "alice-on-A" } });
        await ywsB.WaitAwarenessAsync("alice-on-A", present: true, Wait);

        // Then everyone at once.
        const int Edits = 30;
        await Task.WhenAll(
            ywsA.EditAsync(Edits, seed: 1, intervalMs: 5, Wait),
            ywsB.EditAsync(Edits, seed: 2, intervalMs: 5, Wait),
            hocusB.EditAsync(Edits, seed: 3, intervalMs: 5, Wait),
            EditAsync(dotnetA, Edits, seed: 4, intervalMs: 5),
            EditAsync(dotnetB, Edits, seed: 5, intervalMs: 5));
        var all = YUpdate.MergeUpdates([
            (await ywsA.StateAsync()).State, (await ywsB.StateAsync()).State, (await hocusB.StateAsync()).State, StateOf(dotnetA), StateOf(dotnetB)]);

        foreach (var node in new[] { ywsA, ywsB, hocusB })
        {
            Assert.True(Equivalent((await node.WaitContainsAsync(all, Wait)).State, all), $"{node.Name} differs");
        }
        foreach (var (name, client) in new[] { ("dotnetA", dotnetA), ("dotnetB", dotnetB) })
        {
            await EventuallyAsync(() => Task.FromResult(Contains(StateOf(client), all)), $"{name} holds every edit", Wait);
            Assert.True(Equivalent(StateOf(client), all), $"{name} differs");
        }
        Assert.True(Equivalent(await ServerStateAsync(nodes.A, Doc), all), "node A's live document differs");
        Assert.True(Equivalent(await ServerStateAsync(nodes.B, Doc), all), "node B's live document differs");
        await Task.WhenAll(dotnetA.WhenSavedAsync().WaitAsync(Wait), dotnetB.WhenSavedAsync().WaitAsync(Wait));
        await hocusB.WaitSavedAsync(Wait);
        await EventuallyAsync(async () => Equivalent(await ReplayStateAsync(nodes.A, Doc), all), "the log holds every edit", Wait);

        // Stored by the node that accepted it, not by the node Redis brought it to. A node that
        // re-stored what it received over Redis would repeat about half of all events. A few
        // repeats are by design: while a node holds content another node published but may not
        // have committed, an update that repeats part of it is stored as received rather than
        // acknowledged on trust (the kill -9 test lost acknowledged updates without that).
        var events = await nodes.EventsAsync(Doc);
        int edits = 5 * Edits + 2;
        Assert.Equal(events.Count, events.Select(e => e.UpdateId).Distinct().Count());
        int repeats = 0;
        for (int i = 0; i < events.Count; i++)
        {
            var others = YUpdate.MergeUpdates([.. events.Where((_, j) => j != i).Select(e => e.Payload)]);
            if (Contains(others, events[i].Payload))
            {
                repeats++;
            }
        }
        Assert.True(repeats * 5 <= events.Count, $"{repeats} of {events.Count} events repeat what other events hold: a node stored what it received");
        Assert.True(events.Count - repeats <= edits, $"{events.Count - repeats} distinct events stored for {edits} edits");
        Assert.True(events.Count >= 3 * Edits, $"only {events.Count} events for {edits} edits (the Node providers send one update per edit)");
        var (aCounters, bCounters) = (TwoNodes.FanOutOf(nodes.A).Counters, TwoNodes.FanOutOf(nodes.B).Counters);
        Assert.True(aCounters.Received > 0 && bCounters.Received > 0, $"fan-out went both ways: A {aCounters}, B {bCounters}");

        await ywsA.DisposeAsync();
        await ywsB.WaitAwarenessAsync("alice-on-A", present: false, Wait);
    }

    [Fact]
    public async Task After_a_Redis_restart_fan_out_resumes_and_the_nodes_catch_up_from_the_log()
    {
        // The periodic check is pushed out of the test's reach: what converges here is the
        // catch-up on reconnect (and on the sequence gap).
        await using var nodes = await TwoNodes.StartAsync(postgres, new Dictionary<string, string?> { ["Redis:CatchUpInterval"] = "00:10:00" });
        const string Doc = "redis-restart-1";
        await using var a = await SyncClient.ConnectAsync(nodes.A.BaseUrl, Doc, new YDoc(), Options(SyncClientProtocol.Json, () => Task.FromResult<string?>(TestTokens.For("dotnet"))));
        await using var b = await SyncClient.ConnectAsync(nodes.B.BaseUrl, Doc, new YDoc(), Options(SyncClientProtocol.Json, () => Task.FromResult<string?>(TestTokens.For("dotnet"))));
        await using var ywsB = await NodeClients.StartAsync(NodeTransport.YWebsocket, nodes.B.WsUrl, Doc, "ywsB", TestTokens.For("ywsB"));

        await Task.WhenAll(EditAsync(a, 10, seed: 1, intervalMs: 2), EditAsync(b, 10, seed: 2, intervalMs: 2));
        await ConvergedAsync(nodes, Doc, a, b, "before the restart");

        await nodes.Redis.StopAsync();
        a.Transact(_ => a.Document.GetText(Text).Insert(0, "[A-during-outage]"));
        b.Transact(_ => b.Document.GetText(Text).Insert(0, "[B-during-outage]"));
        await Task.WhenAll(EditAsync(a, 10, seed: 3, intervalMs: 2), EditAsync(b, 10, seed: 4, intervalMs: 2));
        await Task.WhenAll(a.WhenSavedAsync().WaitAsync(Wait), b.WhenSavedAsync().WaitAsync(Wait));
        // Both stored, neither crossed: Redis is down.
        Assert.DoesNotContain("[A-during-outage]", TextOf(await ServerStateAsync(nodes.B, Doc)), StringComparison.Ordinal);
        Assert.DoesNotContain("[B-during-outage]", TextOf(await ServerStateAsync(nodes.A, Doc)), StringComparison.Ordinal);

        await nodes.Redis.StartAsync();
        await ConvergedAsync(nodes, Doc, a, b, "after the restart");
        // The raw WebSocket client on B got what B caught up, too.
        await ywsB.WaitContainsAsync(await ReplayStateAsync(nodes.A, Doc), Wait);

        // And fan-out itself is back: new edits cross through Redis again (the catch-ups above may
        // have run before both nodes' connections were back, so this polls).
        int n = 0;
        await EventuallyAsync(async () =>
        {
            long receivedBefore = TwoNodes.FanOutOf(nodes.B).Counters.Received;
            a.Transact(_ => a.Document.GetText(Text).Insert(0, $"[A-after-restart-{n++}]"));
            await Task.Delay(300);
            return TwoNodes.FanOutOf(nodes.B).Counters.Received > receivedBefore;
        }, "an edit on A reaches B over Redis", Wait);
        await ywsB.WaitTextAsync([$"[A-after-restart-{n - 1}]"], Wait);
        await EventuallyAsync(() => Task.FromResult(TextOf(b).Contains($"[A-after-restart-{n - 1}]", StringComparison.Ordinal)), "b sees A's new edit", Wait);
        Assert.True(TwoNodes.FanOutOf(nodes.A).Counters.CaughtUpEvents > 0 || TwoNodes.FanOutOf(nodes.B).Counters.CaughtUpEvents > 0, "a node read from the log");
    }

    [Fact]
    public async Task While_Redis_is_down_new_clients_still_join_and_save()
    {
        // SignalR's backplane subscribes a Redis channel for every new hub connection, so with it
        // a hub join fails while Redis is away; our fan-out does not need it, and without it the
        // hub is as independent of Redis as the raw WebSocket endpoints are.
        await using var nodes = await TwoNodes.StartAsync(postgres, new Dictionary<string, string?> { ["Redis:SignalRBackplane"] = "false" });
        const string Doc = "redis-down-join-1";
        await nodes.Redis.StopAsync();
        await using var yws = await NodeClients.StartAsync(NodeTransport.YWebsocket, nodes.A.WsUrl, Doc, "ywsA", TestTokens.For("ywsA"), TimeSpan.FromSeconds(10));
        await yws.InsertAsync(0, "[yws-while-redis-down]");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var client = await SyncClient.ConnectAsync(nodes.A.BaseUrl, Doc, new YDoc(), Options(SyncClientProtocol.Json, () => Task.FromResult<string?>(TestTokens.For("dotnet"))), timeout.Token);
        client.Transact(_ => client.Document.GetText(Text).Insert(0, "[signalr-while-redis-down]"));
        await client.WhenSavedAsync().WaitAsync(Wait);
        await EventuallyAsync(async () => TextOf(await ReplayStateAsync(nodes.A, Doc)).Contains("[yws-while-redis-down]", StringComparison.Ordinal), "the y-websocket edit is stored", Wait);
    }

    [Fact]
    public async Task The_periodic_check_reads_what_no_message_announced()
    {
        await using var nodes = await TwoNodes.StartAsync(postgres, new Dictionary<string, string?> { ["Redis:CatchUpInterval"] = "00:00:00.500" });
        const string Doc = "periodic-1";
        await using var b = await SyncClient.ConnectAsync(nodes.B.BaseUrl, Doc, new YDoc(), Options(SyncClientProtocol.Json, () => Task.FromResult<string?>(TestTokens.For("dotnet"))));

        // An update that reached the log without a message (as if its Redis message was lost).
        var writer = new YDoc();
        byte[]? update = null;
        writer.UpdateV1 += (_, e) => update = e.Update;
        writer.GetText(Text).Insert(0, "[only-in-the-log]");
        await nodes.A.OpenStore().AppendAsync(new AppendRequest(DocumentStreamId.For(Doc), ExpectedVersion.Any, [new EventData("update", update!)]));

        await EventuallyAsync(() => Task.FromResult(TextOf(b).Contains("[only-in-the-log]", StringComparison.Ordinal)), "B's client gets the logged update", Wait);
        Assert.Contains("[only-in-the-log]", TextOf(await ServerStateAsync(nodes.B, Doc)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_single_node_needs_no_Redis()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        Assert.Null(server.Services.GetService<IDocumentReplication>());
        await using var client = await SyncClient.ConnectAsync(server.BaseUrl, "single-1", new YDoc(), await OptionsAsync(server, SyncClientProtocol.Json));
        client.Transact(_ => client.Document.GetText(Text).Insert(0, "alone"));
        await client.WhenSavedAsync().WaitAsync(Wait);
        Assert.Equal("alone", TextOf(await ReplayStateAsync(server, "single-1")));
    }

    private static async Task ConvergedAsync(TwoNodes nodes, string doc, SyncClient a, SyncClient b, string when)
    {
        await Task.WhenAll(a.WhenSavedAsync().WaitAsync(Wait), b.WhenSavedAsync().WaitAsync(Wait));
        var log = await ReplayStateAsync(nodes.A, doc);
        Assert.True(Contains(log, StateOf(a)) && Contains(log, StateOf(b)), $"the log holds both clients' edits {when}");
        await EventuallyAsync(async () =>
            Equivalent(await ServerStateAsync(nodes.A, doc), log) && Equivalent(await ServerStateAsync(nodes.B, doc), log)
            && Equivalent(StateOf(a), log) && Equivalent(StateOf(b), log), $"both nodes and both clients equal the log {when}", Wait);
    }
}
