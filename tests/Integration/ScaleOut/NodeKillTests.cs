using CrdtCollab.Client;
using CrdtCollab.Crdt;
using CrdtCollab.EventStore;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Integration.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static CrdtCollab.Integration.Tests.Server.ServerTestKit;

namespace CrdtCollab.Integration.Tests.ScaleOut;

/// <summary>
/// Fault: <c>kill -9</c> of one of two server processes while six clients edit. Verdict: zero
/// acknowledged updates missing from the log, and after the clients resync (on the surviving
/// node) every client, the surviving node and a freshly started node equal the log.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class NodeKillTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Killing_a_node_under_load_loses_no_acknowledged_update()
    {
        const string Doc = "kill-1";
        var schema = "kill_" + Guid.NewGuid().ToString("N")[..12];
        await using var redis = await RedisFixture.StartNewAsync();
        var settings = new Dictionary<string, string?>(TestTokens.ServerSettings()) { ["Redis:Configuration"] = redis.Configuration };
        var a = await HostProcess.StartAsync(postgres.ConnectionString, schema, settings);
        await using var b = await HostProcess.StartAsync(postgres.ConnectionString, schema, settings);
        HostProcess? a2 = null;
        // Clients 0-2 reach A first (B if A is gone), clients 3-5 reach B first.
        await using var viaA = new LoopbackBalancer(a.Port, b.Port);
        await using var viaB = new LoopbackBalancer(b.Port, a.Port);
        var clients = new List<SyncClient>();
        try
        {
            for (int i = 0; i < 6; i++)
            {
                clients.Add(await SyncClient.ConnectAsync((i < 3 ? viaA : viaB).BaseUrl, Doc, new YDoc(), Options(SyncClientProtocol.MessagePack, () => Task.FromResult<string?>(TestTokens.For("dotnet")))));
            }
            var recorded = clients.Select(RecordLocalUpdates).ToArray();

            using var stop = new CancellationTokenSource();
            var editors = clients.Select((c, i) => Task.Run(async () =>
            {
                for (int n = 0; !stop.IsCancellationRequested; n++)
                {
                    await EditAsync(c, 1, seed: i * 100_000 + n, intervalMs: 0);
                    await Task.Delay(15);
                }
            })).ToArray();

            // Under load for a second after every client got its first acks (a fresh process's first commit is slow).
            await EventuallyAsync(() => Task.FromResult(clients.All(c => c.SavedUpdates > 0)), "every client got acknowledgements", Wait);
            await Task.Delay(1000);
            var ackedBeforeKill = clients.Select(c => c.SavedUpdates).ToArray();
            output.WriteLine($"acknowledged before the kill: {string.Join(", ", ackedBeforeKill)}");
            a.Kill();
            await Task.Delay(2000);
            await stop.CancelAsync();
            await Task.WhenAll(editors);

            // Every client reconnects (A's to B) and gets everything saved.
            await Task.WhenAll(clients.Select(c => c.WhenSavedAsync().WaitAsync(Wait)));

            var store = new PostgresEventStore(postgres.DataSource, new EventStoreOptions { Schema = schema });
            var stored = await store.LoadDocumentAsync(DocumentStreamId.For(Doc));
            var logDoc = new YDoc();
            foreach (var u in stored.Updates())
            {
                logDoc.ApplyUpdate(u);
            }
            var log = logDoc.EncodeStateAsUpdate();

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
            output.WriteLine($"local updates {local}, acknowledged {acked} (before the kill: {ackedBeforeKill.Sum()}, by A's clients {ackedBeforeKill.Take(3).Sum()}), stored events {(await store.ReadStreamAsync(DocumentStreamId.For(Doc))).Count}, missing {missing}");
            Assert.Equal(0, missing);
            Assert.Equal(local, acked);

            // After resync every replica equals the log: the clients, the survivor, and a new node.
            foreach (var (c, i) in clients.Select((c, i) => (c, i)))
            {
                await EventuallyAsync(() => Task.FromResult(Equivalent(StateOf(c), log)), $"client {i} equals the log", Wait);
            }
            await EventuallyAsync(async () => Equivalent(await HttpStateAsync(b.BaseUrl, Doc), log), "node B equals the log", Wait);
            a2 = await HostProcess.StartAsync(postgres.ConnectionString, schema, settings);
            Assert.True(Equivalent(await HttpStateAsync(a2.BaseUrl, Doc), log), "a restarted node A equals the log");
        }
        catch
        {
            output.WriteLine("node A:\n" + a.Output + "\nnode B:\n" + b.Output);
            throw;
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
            await a.DisposeAsync();
            if (a2 is not null)
            {
                await a2.DisposeAsync();
            }
        }
    }

    private static readonly HttpClient Http = new();

    private static async Task<byte[]> HttpStateAsync(Uri server, string doc)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, $"api/documents/{doc}/state"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.For("dotnet"));
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }
}
