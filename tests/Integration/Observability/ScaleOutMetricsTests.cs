using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CrdtCollab.Crdt;
using CrdtCollab.Host.Commit;
using CrdtCollab.Integration.Tests.ScaleOut;
using CrdtCollab.Integration.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CrdtCollab.Integration.Tests.Observability;

/// <summary>
/// Two nodes on one Redis: the fan-out instruments move on each node's own meter (published on the
/// writer's node, received on the reader's), and show in the scrape. Both nodes run in this process
/// here, and OpenTelemetry collects every meter of a name in the process, so one node's scrape holds
/// both nodes' series (a deploy runs one node per process); per-node values are read from each
/// node's own meter instead.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ScaleOutMetricsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_fan_out_counters_move_on_each_nodes_own_meter_and_in_the_scrape()
    {
        await using var nodes = await TwoNodes.StartAsync(postgres);
        await using var writer = await RawHubClient.ConnectAsync(nodes.A);
        await using var reader = await RawHubClient.ConnectAsync(nodes.B);
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.Connection.On<string, byte[]>("update", (_, _) => received.TrySetResult());
        await writer.JoinAsync("fanned");
        await reader.JoinAsync("fanned");
        var doc = new YDoc(new YDocOptions { ClientId = 12 });
        byte[]? update = null;
        doc.UpdateV1 += (_, e) => update = e.Update;
        doc.GetText("codemirror").Insert(0, "across nodes");
        Assert.True((await writer.UpdateAsync("fanned", update!)).Stored);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var a = Observe(nodes.A);
        var b = Observe(nodes.B);
        Assert.True(a["crdtcollab.scaleout.messages/published"] >= 1);
        Assert.Equal(0, b["crdtcollab.scaleout.messages/published"]);
        Assert.True(b["crdtcollab.scaleout.messages/received"] >= 1);
        Assert.Equal(1, a["crdtcollab.scaleout.documents"]);
        Assert.Equal(1, b["crdtcollab.scaleout.documents"]);
        Assert.Equal(0, a["crdtcollab.scaleout.publish.failures"]);

        using var http = await nodes.A.HttpAsync();
        var scrape = await Scrape.UntilAsync(http, s => s.Sum("crdtcollab_scaleout_messages_total", "direction=\"received\"") >= 1, TimeSpan.FromSeconds(10));
        foreach (var name in new[] { "crdtcollab_scaleout_messages_total", "crdtcollab_scaleout_publish_failures_total", "crdtcollab_scaleout_gaps_total",
            "crdtcollab_scaleout_catchup_events_total", "crdtcollab_scaleout_documents" })
        {
            Assert.True(scrape.Has(name), $"{name} is not in the scrape");
        }
    }

    /// <summary>The current value of every observable instrument on this node's meter (name, or name/direction).</summary>
    private static ConcurrentDictionary<string, long> Observe(SyncServer node)
    {
        var meter = node.Services.GetRequiredService<SyncMetrics>().Meter;
        var values = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter) && instrument.IsObservable)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument i, long v, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var key = i.Name;
            foreach (var t in tags)
            {
                if (t.Key == "direction")
                {
                    key += "/" + t.Value;
                }
            }
            values[key] = v;
        }
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }
}
