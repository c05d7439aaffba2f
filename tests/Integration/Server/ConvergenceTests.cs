using CrdtCollab.Client;
using CrdtCollab.Crdt;
using CrdtCollab.Integration.Tests.Support;
using Xunit;
using static CrdtCollab.Integration.Tests.Server.ServerTestKit;

namespace CrdtCollab.Integration.Tests.Server;

/// <summary>
/// Twelve clients on four transports (.NET over JSON and MessagePack, stock y-websocket, stock
/// Hocuspocus) edit one document at once and end identical to each other, to the server's live
/// document and to a fresh replay of what the server stored.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ConvergenceTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Twelve_clients_on_mixed_transports_converge_with_the_live_document_and_the_log()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        const string Doc = "converge-1";
        var nodes = await Task.WhenAll(
            Enumerable.Range(0, 3).Select(i => NodeClients.StartAsync(server, NodeTransport.YWebsocket, Doc, $"yws{i}"))
                .Concat(Enumerable.Range(0, 3).Select(i => NodeClients.StartAsync(server, NodeTransport.Hocuspocus, Doc, $"hocus{i}"))));
        var dotnets = await Task.WhenAll(
            Enumerable.Range(0, 6).Select(async i => await SyncClient.ConnectAsync(server.BaseUrl, Doc, new YDoc(),
                await OptionsAsync(server, i < 3 ? SyncClientProtocol.Json : SyncClientProtocol.MessagePack, $"dotnet{i}"))));
        try
        {
            // 40 edits each, 5 ms apart, all clients at once: the edits interleave on the server.
            await Task.WhenAll(
                nodes.Select((n, i) => (Task)n.EditAsync(40, seed: 100 + i, intervalMs: 5, Wait))
                    .Concat(dotnets.Select((c, i) => EditAsync(c, 40, seed: 200 + i, intervalMs: 5))));

            // Everything any client wrote: the state every replica has to reach.
            var written = new List<byte[]>();
            foreach (var node in nodes)
            {
                written.Add((await node.StateAsync()).State);
            }
            written.AddRange(dotnets.Select(StateOf));
            var all = YUpdate.MergeUpdates(written);

            var finals = new List<(string Who, byte[] State)>();
            foreach (var node in nodes)
            {
                finals.Add((node.Name, (await node.WaitContainsAsync(all, Wait)).State));
            }
            for (int i = 0; i < dotnets.Length; i++)
            {
                var client = dotnets[i];
                await EventuallyAsync(() => Task.FromResult(Contains(StateOf(client), all)), $"dotnet{i} holds every edit", Wait);
                finals.Add(($"dotnet{i}", StateOf(client)));
            }

            var expectedText = TextOf(all);
            Assert.True(expectedText.Length > 100, "the clients wrote text");
            foreach (var (who, state) in finals)
            {
                Assert.True(Equivalent(state, all), $"{who} ended with a different document");
                Assert.Equal(expectedText, TextOf(state));
            }

            Assert.True(Equivalent(await ServerStateAsync(server, Doc), all), "the server's live document differs from the clients'");

            // The .NET and Hocuspocus clients know when they are saved; y-websocket has no
            // acknowledgement, so the replay is polled until its last flush is in.
            await Task.WhenAll(dotnets.Select(c => c.WhenSavedAsync().WaitAsync(Wait)));
            foreach (var node in nodes.Where(n => n.Transport == NodeTransport.Hocuspocus))
            {
                await node.WaitSavedAsync(Wait);
            }
            await EventuallyAsync(async () => Equivalent(await ReplayStateAsync(server, Doc), all), "a fresh replay of the stored events equals the clients' document", Wait);
        }
        finally
        {
            await Task.WhenAll(nodes.Select(n => n.DisposeAsync().AsTask()).Concat(dotnets.Select(c => c.DisposeAsync().AsTask())));
        }
    }
}
