using System.Collections.Concurrent;
using CrdtCollab.Client;
using CrdtCollab.Crdt;
using CrdtCollab.Integration.Tests.Support;
using Xunit;
using static CrdtCollab.Integration.Tests.Server.ServerTestKit;

namespace CrdtCollab.Integration.Tests.Server;

/// <summary>
/// The server restarts (graceful stop, new process state, same schema and port) while clients on
/// every transport are editing. They reconnect by themselves, converge, and nothing that was
/// acknowledged before, during or after the restart is missing from the log.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RestartTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Clients_reconnect_after_a_restart_mid_session_converge_and_lose_nothing_acknowledged()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        const string Doc = "restart-1";
        await using var yws = await NodeClients.StartAsync(server, NodeTransport.YWebsocket, Doc, "yws");
        await using var hocus = await NodeClients.StartAsync(server, NodeTransport.Hocuspocus, Doc, "hocus");
        var dotnets = new[]
        {
            await SyncClient.ConnectAsync(server.BaseUrl, Doc, new YDoc(), await OptionsAsync(server, SyncClientProtocol.Json)),
            await SyncClient.ConnectAsync(server.BaseUrl, Doc, new YDoc(), await OptionsAsync(server, SyncClientProtocol.MessagePack)),
        };
        try
        {
            var acknowledged = new ConcurrentBag<byte[]>();
            var reconnects = 0;
            foreach (var client in dotnets)
            {
                var recorded = RecordLocalUpdates(client);
                client.Saved += (_, e) =>
                {
                    foreach (var u in Acknowledged(client, recorded, e.SavedUpdates))
                    {
                        acknowledged.Add(u);
                    }
                };
                client.StatusChanged += (_, e) =>
                {
                    if (e.Status == SyncClientStatus.Reconnecting)
                    {
                        Interlocked.Increment(ref reconnects);
                    }
                };
            }

            // Before: everyone edits and is saved.
            await Task.WhenAll(
                yws.EditAsync(20, seed: 1, intervalMs: 2),
                hocus.EditAsync(20, seed: 2, intervalMs: 2),
                EditAsync(dotnets[0], 20, seed: 3, intervalMs: 2),
                EditAsync(dotnets[1], 20, seed: 4, intervalMs: 2));
            await Task.WhenAll(dotnets.Select(c => c.WhenSavedAsync().WaitAsync(Wait)));
            var hocusSavedBefore = (await hocus.WaitSavedAsync(Wait)).State;

            // During: the edits run on while the server stops and starts again.
            var editing = Task.WhenAll(
                yws.EditAsync(40, seed: 11, intervalMs: 20),
                hocus.EditAsync(40, seed: 12, intervalMs: 20),
                EditAsync(dotnets[0], 40, seed: 13, intervalMs: 20),
                EditAsync(dotnets[1], 40, seed: 14, intervalMs: 20));
            await Task.Delay(200);
            await server.RestartAsync();
            await editing;

            var written = new List<byte[]> { (await yws.StateAsync()).State, (await hocus.StateAsync()).State };
            written.AddRange(dotnets.Select(StateOf));
            var all = YUpdate.MergeUpdates(written);

            var ywsFinal = await yws.WaitContainsAsync(all, Wait);
            var hocusFinal = await hocus.WaitContainsAsync(all, Wait);
            foreach (var client in dotnets)
            {
                await EventuallyAsync(() => Task.FromResult(Contains(StateOf(client), all)), ".NET client holds every edit after the restart", Wait);
            }
            Assert.True(reconnects >= 2, $"the .NET clients reconnected {reconnects} time(s); the restart did not cut them off");
            foreach (var state in new[] { ywsFinal.State, hocusFinal.State }.Concat(dotnets.Select(StateOf)))
            {
                Assert.True(Equivalent(state, all), "a client ended with a different document");
            }
            Assert.True(Equivalent(await ServerStateAsync(server, Doc), all), "the restarted server's live document differs from the clients'");

            await Task.WhenAll(dotnets.Select(c => c.WhenSavedAsync().WaitAsync(Wait)));
            await hocus.WaitSavedAsync(Wait);
            await EventuallyAsync(async () => Equivalent(await ReplayStateAsync(server, Doc), all), "the log holds every client's edits", Wait);

            var stored = await ReplayStateAsync(server, Doc);
            Assert.True(acknowledged.Count >= 120, $"only {acknowledged.Count} acknowledged .NET updates");
            Assert.All(acknowledged, u => Assert.True(Contains(stored, u), "an acknowledged update is missing from the log"));
            Assert.True(Contains(stored, hocusSavedBefore), "what Hocuspocus had saved before the restart is missing from the log");
        }
        finally
        {
            await Task.WhenAll(dotnets.Select(c => c.DisposeAsync().AsTask()));
        }
    }
}
