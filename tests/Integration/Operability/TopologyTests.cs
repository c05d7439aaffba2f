using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Protocols;
using CrdtCollab.Integration.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace CrdtCollab.Integration.Tests.Operability;

/// <summary>
/// The compose topology, natively: two server processes sharing PostgreSQL and a real Redis,
/// nginx in front with deploy/nginx/nginx.conf, and a real Prometheus scraping both nodes'
/// <c>/metrics</c> every second with deploy/prometheus/alerts.yml unchanged. An edit goes in over
/// a y-websocket through nginx (with a token from deploy/scripts/dev-token.sh); then one node is
/// killed with SIGKILL and CrdtCollabNodeDown must fire for that node only, while nginx sends new
/// sessions to the survivor.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TopologyTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private static readonly string[] LogFiles = ["nginx-error.log", "prometheus.log"];

    [Fact]
    public async Task Killing_a_node_fires_the_node_down_alert_and_the_proxy_fails_over()
    {
        var started = Stopwatch.StartNew();
        var dir = Directory.CreateTempSubdirectory("crdtcollab-topology-").FullName;
        var schema = TestSchema.NewName("topology");
        await using var redis = await RedisFixture.StartNewAsync();
        var settings = new Dictionary<string, string?>(TestTokens.ServerSettings()) { ["Redis:Configuration"] = redis.Configuration };
        var nodeA = await HostProcess.StartAsync(postgres.ConnectionString, schema, settings);
        await using var nodeB = await HostProcess.StartAsync(postgres.ConnectionString, schema, settings);
        Process? nginx = null, prometheus = null;
        try
        {
            int proxyPort = FreePort(), prometheusPort = FreePort();
            nginx = await StartNginxAsync(dir, proxyPort, nodeA.Port, nodeB.Port);
            prometheus = await StartPrometheusAsync(dir, prometheusPort, nodeA.Port, nodeB.Port);
            var proxy = new Uri($"http://127.0.0.1:{proxyPort}");
            var api = new Uri($"http://127.0.0.1:{prometheusPort}");

            // A y-websocket session through the proxy: the server's SyncStep1 arrives, an update is stored.
            var token = await DevTokenAsync("topology-user");
            await SyncThroughProxyAsync(proxyPort, token, "first edit through nginx. ");
            Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(new Uri(proxy, "metrics"))).StatusCode);

            // Prometheus scrapes both nodes and sees the server's own metrics.
            await EventuallyAsync(async () => (await UpAsync(api)).Count(kv => kv.Value == 1) == 2, "both nodes up in Prometheus", TimeSpan.FromSeconds(20));
            await EventuallyAsync(async () => (await QueryAsync(api, "crdtcollab_updates_committed_total")).Count > 0, "committed updates scraped", TimeSpan.FromSeconds(15));
            Assert.Empty(await FiringAsync(api, "CrdtCollabNodeDown"));

            nodeA.Kill();
            output.WriteLine($"node A ({nodeA.Port}) killed after {started.Elapsed.TotalSeconds:F1} s");

            // New sessions go to the survivor.
            await SyncThroughProxyAsync(proxyPort, token, "second edit after the kill. ");

            // up == 0 for 30 s (the rule's `for`), then firing, for A only.
            await EventuallyAsync(async () => (await FiringAsync(api, "CrdtCollabNodeDown")).Count > 0, "CrdtCollabNodeDown firing", TimeSpan.FromSeconds(60));
            var firing = await FiringAsync(api, "CrdtCollabNodeDown");
            Assert.Equal([$"127.0.0.1:{nodeA.Port}"], firing);
            output.WriteLine($"CrdtCollabNodeDown firing for {firing[0]} after {started.Elapsed.TotalSeconds:F1} s");

            using var text = new HttpRequestMessage(HttpMethod.Get, new Uri(proxy, "api/documents/topology/text"));
            text.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var body = await (await Http.SendAsync(text)).EnsureSuccessStatusCode().Content.ReadAsStringAsync();
            Assert.Contains("first edit through nginx.", body, StringComparison.Ordinal);
            Assert.Contains("second edit after the kill.", body, StringComparison.Ordinal);
        }
        catch
        {
            output.WriteLine("node A:\n" + nodeA.Output + "\nnode B:\n" + nodeB.Output);
            foreach (var log in LogFiles.Select(f => Path.Combine(dir, f)).Where(File.Exists))
            {
                output.WriteLine(log + ":\n" + File.ReadAllText(log));
            }
            throw;
        }
        finally
        {
            foreach (var p in new[] { prometheus, nginx }.OfType<Process>())
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync();
                }
                p.Dispose();
            }
            await nodeA.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task SyncThroughProxyAsync(int proxyPort, string token, string text)
    {
        await using var socket = await RawSocket.ConnectAsync(new Uri($"ws://127.0.0.1:{proxyPort}/ws/topology?token={Uri.EscapeDataString(token)}"));
        // messageSync (0), SyncStep1 (0): the server opens every session with its state vector.
        Assert.NotNull(await socket.ReceiveUntilAsync(m => m.Length > 1 && m[0] == 0 && m[1] == (byte)SyncMessageType.SyncStep1, TimeSpan.FromSeconds(10)));
        var doc = new YDoc();
        byte[]? update = null;
        doc.UpdateV1 += (_, e) => update = e.Update;
        doc.GetText("codemirror").Insert(0, text);
        await socket.SendAsync([0, .. SyncProtocol.EncodeUpdate(update!)]);
        // Stored before the test moves on: the REST read below goes through the log or a live replica.
        await EventuallyAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{proxyPort}/api/documents/topology/text"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await Http.SendAsync(request);
            return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains(text.Trim(), StringComparison.Ordinal);
        }, "the edit readable through the proxy", TimeSpan.FromSeconds(15));
    }

    private static async Task<string> DevTokenAsync(string user)
    {
        var result = await Tool.RunAsync("bash", [RepoPaths.Of("deploy", "scripts", "dev-token.sh"), user], environment: new Dictionary<string, string>
        {
            ["CRDTCOLLAB_SIGNING_KEY"] = TestTokens.Key,
            ["CRDTCOLLAB_AUDIENCE"] = TestTokens.Audience,
            ["CRDTCOLLAB_ISSUER"] = TestTokens.Issuer,
        });
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StdOut.Trim();
    }

    private static async Task<Process> StartNginxAsync(string dir, int port, int upstreamA, int upstreamB)
    {
        var conf = File.ReadAllText(RepoPaths.Of("deploy", "nginx", "nginx.conf"))
            .Replace("server node1:8080", $"server 127.0.0.1:{upstreamA}", StringComparison.Ordinal)
            .Replace("server node2:8080", $"server 127.0.0.1:{upstreamB}", StringComparison.Ordinal)
            .Replace("listen 80;", $"listen 127.0.0.1:{port};", StringComparison.Ordinal)
            .Replace("access_log /var/log/nginx/access.log upstream;", $"access_log {dir}/nginx-access.log upstream;", StringComparison.Ordinal)
            .Replace("worker_processes auto;", "worker_processes 1;", StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{upstreamA}", conf, StringComparison.Ordinal);
        var path = Path.Combine(dir, "nginx.conf");
        File.WriteAllText(path, conf);
        var process = Start(await Tool.NginxAsync(), ["-c", path, "-p", dir, "-g", $"daemon off; pid {dir}/nginx.pid; error_log {dir}/nginx-error.log warn;"]);
        await EventuallyAsync(async () =>
        {
            try
            {
                return (await Http.GetAsync(new Uri($"http://127.0.0.1:{port}/proxy-health"))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "nginx answers", TimeSpan.FromSeconds(10), process);
        return process;
    }

    private static async Task<Process> StartPrometheusAsync(string dir, int port, int nodeA, int nodeB)
    {
        File.Copy(RepoPaths.Of("deploy", "prometheus", "alerts.yml"), Path.Combine(dir, "alerts.yml"));
        // The compose file's crdtcollab job, on loopback and at a one-second pace so the test is short.
        File.WriteAllText(Path.Combine(dir, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 900ms
              evaluation_interval: 1s
            rule_files:
              - alerts.yml
            scrape_configs:
              - job_name: crdtcollab
                metrics_path: /metrics
                static_configs:
                  - targets: ["127.0.0.1:{nodeA}", "127.0.0.1:{nodeB}"]
            """);
        var check = await Tool.RunAsync(await Tool.PromtoolAsync(), ["check", "config", "prometheus.yml"], dir);
        Assert.True(check.ExitCode == 0, check.ToString());
        var process = Start(await Tool.PrometheusAsync(),
            ["--config.file=" + Path.Combine(dir, "prometheus.yml"), "--storage.tsdb.path=" + Path.Combine(dir, "tsdb"),
             $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"], Path.Combine(dir, "prometheus.log"));
        await EventuallyAsync(async () =>
        {
            try
            {
                return (await Http.GetAsync(new Uri($"http://127.0.0.1:{port}/-/ready"))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "Prometheus ready", TimeSpan.FromSeconds(20), process);
        return process;
    }

    private static async Task<Dictionary<string, double>> UpAsync(Uri api) =>
        (await QueryAsync(api, "up{job=\"crdtcollab\"}")).ToDictionary(r => r.Instance, r => r.Value);

    private static async Task<List<(string Instance, double Value)>> QueryAsync(Uri api, string query)
    {
        using var json = JsonDocument.Parse(await Http.GetStringAsync(new Uri(api, "api/v1/query?query=" + Uri.EscapeDataString(query))));
        return json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(r => (r.GetProperty("metric").TryGetProperty("instance", out var i) ? i.GetString()! : "",
                double.Parse(r.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
    }

    /// <summary>The instances for which <paramref name="alert"/> is firing (pending ones are not).</summary>
    private static async Task<List<string>> FiringAsync(Uri api, string alert)
    {
        using var json = JsonDocument.Parse(await Http.GetStringAsync(new Uri(api, "api/v1/alerts")));
        return json.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray()
            .Where(a => a.GetProperty("labels").GetProperty("alertname").GetString() == alert && a.GetProperty("state").GetString() == "firing")
            .Select(a => a.GetProperty("labels").GetProperty("instance").GetString()!)
            .ToList();
    }

    private static Process Start(string file, IEnumerable<string> args, string? logFile = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        void Keep(string? line)
        {
            if (line is not null && logFile is not null)
            {
                lock (process)
                {
                    File.AppendAllText(logFile, line + "\n");
                }
            }
        }
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan timeout, Process? mustStayUp = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (mustStayUp is { HasExited: true })
            {
                throw new InvalidOperationException($"{what}: the process exited with {mustStayUp.ExitCode}");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting for: " + what);
            }
            await Task.Delay(250);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
