using System.Collections.Concurrent;
using CrdtCollab.Client;
using CrdtCollab.Crdt;
using CrdtCollab.Integration.Tests.Support;
using Xunit;
using static CrdtCollab.Integration.Tests.Server.ServerTestKit;

namespace CrdtCollab.Integration.Tests.Server;

/// <summary>
/// The hub's acknowledgement means "committed": at the moment each ack reaches the client, the
/// stored events already hold every update it covers and the stream is at least at the version
/// it reports. An ack sent before the commit is caught here, because the check runs in the
/// client's Saved handler, before the client sends anything else.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AcknowledgementTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(SyncClientProtocol.Json)]
    [InlineData(SyncClientProtocol.MessagePack)]
    public async Task Every_acknowledged_update_is_in_the_log_when_its_ack_arrives(SyncClientProtocol protocol)
    {
        await using var server = await SyncServer.StartAsync(postgres);
        var doc = "acks-" + protocol;
        var client = await SyncClient.ConnectAsync(server.BaseUrl, doc, new YDoc(), await OptionsAsync(server, protocol));
        await using var _ = client;
        var recorded = RecordLocalUpdates(client);
        var failures = new ConcurrentQueue<string>();
        int acks = 0;
        client.Saved += (_, e) =>
        {
            // Blocking here holds the client's next Update back, so what the store holds now is
            // what was committed when the ack arrived.
            var (stored, version) = StoredAsync(server, doc).GetAwaiter().GetResult();
            var acknowledged = Acknowledged(client, recorded, e.SavedUpdates);
            int missing = acknowledged.Count(u => !Contains(stored, u));
            if (missing > 0)
            {
                failures.Enqueue($"ack covering {e.SavedUpdates} updates: {missing} of them not stored yet");
            }
            if (version < e.SavedVersion)
            {
                failures.Enqueue($"ack reported version {e.SavedVersion}, the store is at {version}");
            }
            Interlocked.Increment(ref acks);
        };

        // Ten bursts; every second one waits for its acks, so there are at least five of them,
        // and the bursts in between give acks that cover a merged batch.
        for (int burst = 0; burst < 10; burst++)
        {
            await EditAsync(client, 15, seed: burst, intervalMs: burst % 2 == 0 ? 0 : 3);
            if (burst % 2 == 1)
            {
                await client.WhenSavedAsync().WaitAsync(Wait);
            }
        }
        await client.WhenSavedAsync().WaitAsync(Wait);

        Assert.Empty(failures);
        Assert.True(acks >= 5, $"only {acks} acknowledgements were checked");
        Assert.Equal(client.LocalUpdates, client.SavedUpdates);
        Assert.Equal(0, client.PendingUpdates);
        Assert.Equal(150, recorded.Count);
        var (final, finalVersion) = await StoredAsync(server, doc);
        Assert.True(Equivalent(final, StateOf(client)), "the log differs from the client's document");
        Assert.Equal(finalVersion, client.SavedVersion);
    }
}
