using System.Collections.Concurrent;
using System.Net;
using CrdtCollab.Crdt;
using CrdtCollab.Integration.Tests.Support;
using Xunit;

namespace CrdtCollab.Integration.Tests.Observability;

/// <summary>
/// The standard <c>OTEL_*</c> settings switch on OTLP export: a server pointed at a local OTLP/HTTP
/// receiver sends it traces and metrics; without the endpoint nothing is sent (the default).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OtlpExportTests(PostgresFixture postgres)
{
    [Fact]
    public async Task With_OTEL_EXPORTER_OTLP_ENDPOINT_set_traces_and_metrics_reach_the_collector()
    {
        using var collector = new HttpListener();
        int port = FreePort();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var posts = new ConcurrentQueue<(string Path, long Bytes)>();
        using var stop = new CancellationTokenSource();
        var receiving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await collector.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                posts.Enqueue((context.Request.Url!.AbsolutePath, body.Length));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        await using (var server = await SyncServer.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "crdtcollab-otlp-test",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        }))
        {
            await using var client = await RawHubClient.ConnectAsync(server);
            await client.JoinAsync("exported");
            var doc = new YDoc(new YDocOptions { ClientId = 99 });
            byte[]? update = null;
            doc.UpdateV1 += (_, e) => update = e.Update;
            doc.GetText("codemirror").Insert(0, "exported");
            Assert.True((await client.UpdateAsync("exported", update!)).Stored);
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (!(posts.Any(p => p.Path == "/v1/traces" && p.Bytes > 0) && posts.Any(p => p.Path == "/v1/metrics" && p.Bytes > 0)) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
        await stop.CancelAsync();
        collector.Stop();
        await receiving;
        Assert.Contains(posts, p => p.Path == "/v1/traces" && p.Bytes > 0);
        Assert.Contains(posts, p => p.Path == "/v1/metrics" && p.Bytes > 0);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
