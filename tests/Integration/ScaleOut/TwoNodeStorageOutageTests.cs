using CrdtCollab.Client;
using CrdtCollab.Crdt;
using CrdtCollab.Integration.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static CrdtCollab.Integration.Tests.Server.ServerTestKit;

namespace CrdtCollab.Integration.Tests.ScaleOut;

/// <summary>
/// Fault: PostgreSQL taken away from both nodes for two seconds while clients on both edit.
/// Verdict: no acknowledgement while it is away, edits still cross the nodes (Redis), and once it
/// returns everything is saved, nothing acknowledged is missing, and every replica equals the log.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TwoNodeStorageOutageTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Two_nodes_recover_from_a_PostgreSQL_outage_under_load_without_losing_an_acknowledged_update()
    {
        await using var proxy = new PostgresProxy(postgres);
        await using var nodes = await TwoNodes.StartAsync(postgres, new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = proxy.ConnectionString });
        const string Doc = "pg-outage-2";
        await using var ywsA = await NodeClients.StartAsync(NodeTransport.YWebsocket, nodes.A.WsUrl, Doc, "ywsA", TestTokens.For("ywsA"));
        await using var ywsB = await NodeClients.StartAsync(NodeTransport.YWebsocket, nodes.B.WsUrl, Doc, "ywsB", TestTokens.For("ywsB"));
        var clients = new List<SyncClient>();
        bool cut = false;
        try
        {
            for (int i = 0; i < 4; i++)
            {
                clients.Add(await SyncClient.ConnectAsync((i % 2 == 0 ? nodes.A : nodes.B).BaseUrl, Doc, new YDoc(), Options(SyncClientProtocol.MessagePack, () => Task.FromResult<string?>(TestTokens.For("dotnet")))));
            }
            var recorded = clients.Select(RecordLocalUpdates).ToArray();
            using var stop = new CancellationTokenSource();
            var editors = clients.Select((c, i) => Task.Run(async () =>
            {
                for (int n = 0; !stop.IsCancellationRequested; n++)
                {
                    await EditAsync(c, 1, seed: i * 100_000 + n, intervalMs: 0);
                    await Task.Delay(20);
                }
            })).ToArray();
            await EventuallyAsync(() => Task.FromResult(clients.All(c => c.SavedUpdates > 0)), "every client got acknowledgements", Wait);

            proxy.Cut();
            cut = true;
            await Task.Delay(500);
            var ackedAtCut = clients.Select(c => c.SavedUpdates).ToArray();
            // During the outage an edit on A still reaches B's clients (over Redis, not the log).
            // y-websocket sends without waiting for acks (a SyncClient holds its next update until
            // the one in flight is saved).
            await ywsA.InsertAsync(0, "[during-outage]");
            await ywsB.WaitTextAsync(["[during-outage]"], Wait);
            await Task.Delay(1500);
            var ackedDuring = clients.Select((c, i) => c.SavedUpdates - ackedAtCut[i]).Sum();
            proxy.Restore();
            cut = false;
            await Task.Delay(1000);
            await stop.CancelAsync();
            await Task.WhenAll(editors);
            await Task.WhenAll(clients.Select(c => c.WhenSavedAsync().WaitAsync(Wait)));

            var log = await ReplayStateAsync(nodes.A, Doc);
            long local = 0, acked = 0, missing = 0;
            for (int i = 0; i < clients.Count; i++)
            {
                var mine = Acknowledged(clients[i], recorded[i], clients[i].SavedUpdates);
                local += clients[i].LocalUpdates;
                acked += mine.Count;
                if (!Contains(log, YUpdate.MergeUpdates(mine)))
                {
                    missing += mine.Count(u => !Contains(log, u));
                }
            }
            output.WriteLine($"local updates {local}, acknowledged {acked}, acknowledged while PostgreSQL was away {ackedDuring}, missing {missing}");
            Assert.Equal(0, ackedDuring);
            Assert.Equal(0, missing);
            Assert.Equal(local, acked);
            foreach (var (c, i) in clients.Select((c, i) => (c, i)))
            {
                await EventuallyAsync(() => Task.FromResult(Equivalent(StateOf(c), log)), $"client {i} equals the log", Wait);
            }
            await EventuallyAsync(async () => Equivalent(await ServerStateAsync(nodes.A, Doc), log) && Equivalent(await ServerStateAsync(nodes.B, Doc), log),
                "both nodes equal the log", Wait);
        }
        finally
        {
            if (cut)
            {
                // A failed test must not leave the nodes' shutdown flushes waiting for the database.
                proxy.Restore();
            }
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }
}
