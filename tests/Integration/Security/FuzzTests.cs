using System.Collections.Concurrent;
using System.Net.WebSockets;
using CrdtCollab.Crdt;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Integration.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit;
using Xunit.Abstractions;

namespace CrdtCollab.Integration.Tests.Security;

/// <summary>
/// Hostile messages at the real endpoints: ≥ 10,000 per run (CRDT_FUZZ_MESSAGES for the long run,
/// e.g. 1000000) over the hub, Hocuspocus and y-websocket, while honest clients keep editing.
/// The server must stay up, the honest replicas converge, stored events must replay to exactly
/// the live state (nothing stored that was refused), and memory stays bounded.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FuzzTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly int Messages = int.TryParse(Environment.GetEnvironmentVariable("CRDT_FUZZ_MESSAGES"), out var n) ? n : 10_500;

    [Fact]
    public async Task Hostile_messages_at_every_endpoint_change_nothing_they_should_not()
    {
        await using var server = await SyncServer.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Limits:UpdatesPerSecond"] = "1000000",
            ["Limits:UpdateBurst"] = "1000000",
            ["Sync:MaxUpdateBytes"] = "65536",
        });
        var outcomes = new ConcurrentDictionary<string, int>();
        void Count(string outcome) => outcomes.AddOrUpdate(outcome, 1, (_, c) => c + 1);
        GC.Collect();
        long memoryBefore = GC.GetTotalMemory(forceFullCollection: true);

        // The honest session: two users keep editing one document throughout.
        using var stop = new CancellationTokenSource();
        var honest = Task.Run(() => HonestSessionAsync(server, stop.Token));

        int perTransport = Messages / 3;
        await Task.WhenAll(
            Task.Run(() => FuzzHubAsync(server, perTransport, Count)),
            Task.Run(() => FuzzHocuspocusAsync(server, perTransport, Count)),
            Task.Run(() => FuzzYWebSocketAsync(server, Messages - 2 * perTransport, Count)));
        stop.Cancel();
        var (a, b) = await honest;

        foreach (var (outcome, count) in outcomes.OrderBy(o => o.Key))
        {
            output.WriteLine($"{outcome,-40} {count,8}");
        }
        Assert.True(outcomes.Values.Sum() >= Messages, $"only {outcomes.Values.Sum()} outcomes for {Messages} messages");

        using var http = await server.HttpAsync();
        Assert.True((await http.GetAsync("/health")).IsSuccessStatusCode);
        Assert.Equal(a.GetText("codemirror").ToString(), b.GetText("codemirror").ToString());
        foreach (var doc in new[] { "honest", "fuzz-hub", "fuzz-hp", "fuzz-ws" })
        {
            var replay = await server.ReplayAsync(doc);
            var live = new YDoc();
            live.ApplyUpdate(await http.GetByteArrayAsync($"/api/documents/{doc}/state"));
            Assert.Equal(live.ToJson(), replay.ToJson());
        }
        // The hub is the one transport with a per-message verdict: every stored event is an acked update.
        Assert.Equal(outcomes.GetValueOrDefault("hub: stored"), (await server.OpenStore().ReadStreamAsync(DocumentStreamId.For("fuzz-hub"), 0, 100_000)).Count);
        GC.Collect();
        long growth = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;
        output.WriteLine($"managed heap growth {growth / 1024} KiB");
        Assert.True(growth < 256L * 1024 * 1024, $"managed heap grew by {growth / 1024 / 1024} MiB");
    }

    private static async Task<(YDoc, YDoc)> HonestSessionAsync(SyncServer server, CancellationToken stop)
    {
        await using var alice = await RawHubClient.ConnectAsync(server, user: "alice");
        await using var bob = await RawHubClient.ConnectAsync(server, user: "bob");
        var docs = (A: new YDoc(), B: new YDoc());
        var gate = new object();
        alice.Connection.On<string, byte[]>("update", (_, u) => { lock (gate) { docs.A.ApplyUpdate(u, "server"); } });
        bob.Connection.On<string, byte[]>("update", (_, u) => { lock (gate) { docs.B.ApplyUpdate(u, "server"); } });
        await alice.JoinAsync("honest");
        await bob.JoinAsync("honest");
        int i = 0;
        while (!stop.IsCancellationRequested || i < 20)
        {
            var (doc, client) = i % 2 == 0 ? (docs.A, alice) : (docs.B, bob);
            byte[]? update = null;
            lock (gate)
            {
                void Capture(object? s, YUpdateEventArgs e) => update = e.Update;
                doc.UpdateV1 += Capture;
                doc.GetText("codemirror").Insert(0, $"{i};");
                doc.UpdateV1 -= Capture;
            }
            await client.UpdateAsync("honest", update!);
            i++;
        }
        // Let the last broadcasts arrive, then make sure each replica holds the other's state.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            lock (gate)
            {
                if (docs.A.GetText("codemirror").ToString() == docs.B.GetText("codemirror").ToString())
                {
                    break;
                }
            }
            await Task.Delay(50, CancellationToken.None);
        }
        return (docs.A, docs.B);
    }

    private static async Task FuzzHubAsync(SyncServer server, int count, Action<string> outcome)
    {
        var input = new HostileInput(1);
        await using var hub = await RawHubClient.ConnectAsync(server, user: "fuzz-hub");
        await hub.JoinAsync("fuzz-hub");
        for (int i = 0; i < count; i++)
        {
            try
            {
                outcome((await hub.UpdateAsync("fuzz-hub", input.Update())).Stored ? "hub: stored" : "hub: acked, nothing new");
            }
            catch (HubException e)
            {
                var code = e.Message[(e.Message.IndexOf("HubException: ", StringComparison.Ordinal) + 14)..];
                outcome("hub: refused " + code[..code.IndexOf(':', StringComparison.Ordinal)]);
            }
        }
    }

    private static async Task FuzzHocuspocusAsync(SyncServer server, int count, Action<string> outcome)
    {
        var input = new HostileInput(2);
        var token = await server.TokenAsync("fuzz-hp");
        RawSocket? socket = null;
        try
        {
            for (int i = 0; i < count; i++)
            {
                if (socket is null || socket.State != WebSocketState.Open)
                {
                    if (socket is not null)
                    {
                        await socket.DisposeAsync();
                    }
                    socket = await RawSocket.ConnectAsync(new Uri(server.WsUrl + "/hocuspocus"));
                    await socket.SendAsync(HocuspocusFrames.Auth("fuzz-hp", token));
                    await socket.ReceiveUntilAsync(m => HocuspocusFrames.Read(m).Type == 2, TimeSpan.FromSeconds(5));
                }
                // One in ten breaks the framing itself (a bad address): the server must close.
                var frame = i % 10 == 9 ? [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F] : HocuspocusFrames.Sync("fuzz-hp", input.Frame());
                try
                {
                    await socket.SendAsync(frame);
                }
                catch (WebSocketException)
                {
                    outcome(socket.CloseStatus is { } code ? $"hocuspocus: closed {(int)code}" : "hocuspocus: dropped");
                    continue;
                }
                if (i % 10 == 9)
                {
                    outcome(await socket.WaitForCloseAsync(TimeSpan.FromSeconds(5)) is { } code ? $"hocuspocus: closed {(int)code}" : "hocuspocus: not closed");
                    continue;
                }
                outcome("hocuspocus: sent");
            }
        }
        finally
        {
            if (socket is not null)
            {
                await socket.DisposeAsync();
            }
        }
    }

    private static async Task FuzzYWebSocketAsync(SyncServer server, int count, Action<string> outcome)
    {
        var input = new HostileInput(3);
        var url = new Uri($"{server.WsUrl}/ws/fuzz-ws?token={await server.TokenAsync("fuzz-ws")}");
        RawSocket? socket = null;
        try
        {
            for (int i = 0; i < count; i++)
            {
                if (socket is null || socket.State != WebSocketState.Open)
                {
                    if (socket is not null)
                    {
                        outcome(socket.CloseStatus is { } code ? $"y-websocket: closed {(int)code}" : "y-websocket: dropped");
                        await socket.DisposeAsync();
                    }
                    socket = await RawSocket.ConnectAsync(url);
                }
                try
                {
                    await socket.SendAsync(input.Frame());
                    outcome("y-websocket: sent");
                }
                catch (WebSocketException)
                {
                    outcome("y-websocket: send after close");
                }
                // The server closes on a bad frame; give its close a moment to arrive.
                if (i % 4 == 3)
                {
                    await socket.ReceiveAsync(TimeSpan.FromMilliseconds(1));
                }
            }
        }
        finally
        {
            if (socket is not null)
            {
                await socket.DisposeAsync();
            }
        }
    }
}
