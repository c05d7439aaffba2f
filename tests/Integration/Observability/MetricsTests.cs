using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Protocols;
using CrdtCollab.EventStore;
using CrdtCollab.Host.Commit;
using CrdtCollab.Host.Observability;
using CrdtCollab.Integration.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace CrdtCollab.Integration.Tests.Observability;

/// <summary>
/// The pipeline's metrics exist and move during a real session (SignalR writer, a SignalR and a
/// y-websocket reader, a refused update, a bad frame, a projection daemon, an import), both as
/// measurements in process and in the Prometheus scrape at <c>/metrics</c>.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MetricsTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task A_real_session_moves_every_pipeline_metric_in_process_and_in_the_scrape()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        var metrics = server.Services.GetRequiredService<SyncMetrics>();
        var measured = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
        using var listener = Listen(metrics.Meter, measured);
        using var http = await server.HttpAsync();
        var before = await Scrape.TakeAsync(http);

        var token = await server.TokenAsync();
        await using var writer = await RawHubClient.ConnectAsync(server);
        await using var reader = await RawHubClient.ConnectAsync(server);
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.Connection.On<string, byte[]>("update", (_, u) => received.TrySetResult(u));
        await writer.JoinAsync("observed");
        await reader.JoinAsync("observed");
        await using var socket = await RawSocket.ConnectAsync(new Uri($"{server.WsUrl}/ws/observed?token={Uri.EscapeDataString(token)}"));

        var doc = new YDoc(new YDocOptions { ClientId = 71 });
        var updates = new List<byte[]>();
        doc.UpdateV1 += (_, e) => updates.Add(e.Update);
        for (int i = 0; i < 5; i++)
        {
            doc.GetText("codemirror").Insert(0, $"line {i}\n");
            Assert.True((await writer.UpdateAsync("observed", updates[^1])).Stored);
        }
        await received.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(await socket.ReceiveUntilAsync(m => m.Length > 2 && m[0] == 0 && m[1] == (byte)SyncMessageType.Update, TimeSpan.FromSeconds(5)));

        // Refused: a malformed update through the hub, and a text frame on a y-websocket.
        await Assert.ThrowsAsync<HubException>(() => writer.UpdateAsync("observed", [0xFF, 0xFF, 0xFF]));
        await using (var bad = await RawSocket.ConnectAsync(new Uri($"{server.WsUrl}/ws/observed?token={Uri.EscapeDataString(token)}")))
        {
            await bad.SendAsync([0x00, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
            Assert.NotNull(await bad.WaitForCloseAsync(TimeSpan.FromSeconds(5)));
        }

        // A projection daemon registered with the monitor reports its lag and its leadership.
        var store = server.Services.GetRequiredService<PostgresEventStore>();
        var projection = new RecordingProjection(server.Schema, "observed");
        await projection.CreateTableAsync(postgres.DataSource);
        await using var daemon = new ProjectionDaemon(store, projection);
        var monitor = server.Services.GetRequiredService<ProjectionMonitor>();
        using var registration = monitor.Register(daemon);
        await monitor.SampleAsync(CancellationToken.None);
        server.Services.GetRequiredService<ImportMetrics>().Rows("test", 3);

        var after = await Scrape.UntilAsync(http, s => s.Sum("crdtcollab_updates_committed_total") >= 5 && s.Has("crdtcollab_projection_lag"), TimeSpan.FromSeconds(10));
        output.WriteLine(string.Join("\n", after.Names.Where(n => n.StartsWith("crdtcollab_", StringComparison.Ordinal)).Order()));

        // In process: every instrument recorded something.
        foreach (var name in new[]
        {
            "crdtcollab.connections.opened", "crdtcollab.updates.received", "crdtcollab.updates.committed", "crdtcollab.updates.broadcast",
            "crdtcollab.batch.size", "crdtcollab.batch.commit.duration", "crdtcollab.update.ack.latency", "crdtcollab.update.fanout.latency",
            "crdtcollab.messages.rejected", "crdtcollab.import.rows",
        })
        {
            Assert.True(measured.TryGetValue(name, out var v) && v > 0, $"{name} recorded nothing");
        }

        // In the scrape: the counters moved between the two scrapes.
        Assert.Equal(0, before.Sum("crdtcollab_updates_received_total"));
        Assert.True(after.Sum("crdtcollab_updates_received_total", "transport=\"signalr\"") >= 6);
        Assert.True(after.Sum("crdtcollab_updates_committed_total") >= 5);
        Assert.True(after.Sum("crdtcollab_batch_size_count") >= 1);
        Assert.True(after.Sum("crdtcollab_batch_commit_duration_milliseconds_count") >= 1);
        Assert.True(after.Sum("crdtcollab_update_ack_latency_milliseconds_count") >= 5);
        Assert.True(after.Sum("crdtcollab_update_ack_latency_milliseconds_bucket", "le=\"+Inf\"") >= 5);
        Assert.True(after.Sum("crdtcollab_update_fanout_latency_milliseconds_count", "transport=\"y-websocket\"") >= 1);
        Assert.True(after.Sum("crdtcollab_update_fanout_latency_milliseconds_count", "transport=\"signalr\"") >= 1);
        Assert.True(after.Sum("crdtcollab_updates_broadcast_total") >= 2);
        Assert.True(after.Sum("crdtcollab_messages_rejected_total", "reason=\"invalid-update\"") >= 1);
        Assert.True(after.Sum("crdtcollab_messages_rejected_total", "reason=\"invalid-frame\"") >= 1);
        Assert.Equal(2, after.Sum("crdtcollab_connections_active", "transport=\"signalr\""));
        Assert.Equal(1, after.Sum("crdtcollab_connections_active", "transport=\"y-websocket\""));
        Assert.True(after.Sum("crdtcollab_connections_closed_total", "transport=\"y-websocket\"") >= 1);
        Assert.Equal(1, after.Sum("crdtcollab_documents_live"));
        Assert.Equal(0, after.Sum("crdtcollab_intake_queue_depth"));
        Assert.Equal(1, after.Sum("crdtcollab_storage_available"));
        Assert.True(after.Sum("crdtcollab_projection_lag", "projection=\"observed\"") >= 5, "the daemon is not started, so it lags by every event");
        Assert.Equal(0, after.Sum("crdtcollab_projection_leader", "projection=\"observed\""));
        Assert.Equal(3, after.Sum("crdtcollab_import_rows_total", "source=\"test\"", "outcome=\"imported\""));
        Assert.True(after.Sum("http_server_request_duration_seconds_count") > 0);

        // Once the daemon runs and catches up, lag falls to 0 and it leads.
        daemon.Start();
        await WaitUntilAsync(async () => await daemon.GetLagAsync() == 0 && daemon.IsLeader);
        await monitor.SampleAsync(CancellationToken.None);
        var caughtUp = await Scrape.UntilAsync(http, s => s.Sum("crdtcollab_projection_lag", "projection=\"observed\"") == 0, TimeSpan.FromSeconds(10));
        Assert.Equal(0, caughtUp.Sum("crdtcollab_projection_lag", "projection=\"observed\""));
        Assert.Equal(1, caughtUp.Sum("crdtcollab_projection_leader", "projection=\"observed\""));
    }

    private static MeterListener Listen(Meter meter, ConcurrentDictionary<string, double> measured)
    {
        var listener = new MeterListener
        {
            // Only this server's meter: other servers in the process have their own.
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => measured.AddOrUpdate(i.Name, v, (_, s) => s + v));
        listener.SetMeasurementEventCallback<int>((i, v, _, _) => measured.AddOrUpdate(i.Name, v, (_, s) => s + v));
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => measured.AddOrUpdate(i.Name, Math.Max(v, 1e-9), (_, s) => s + Math.Max(v, 1e-9)));
        listener.Start();
        return listener;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(100);
        }
    }
}
