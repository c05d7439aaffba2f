using System.Text.Json;
using System.Text.RegularExpressions;
using CrdtCollab.Crdt;
using CrdtCollab.EventStore;
using CrdtCollab.Host.Observability;
using CrdtCollab.Integration.Tests.Observability;
using CrdtCollab.Integration.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CrdtCollab.Integration.Tests.Operability;

/// <summary>
/// The provisioned Grafana dashboard: valid JSON with the panels the issue names, every query
/// valid PromQL (promtool parses each one as a recording rule), and every metric a query uses is
/// one a real server exports: its <c>/metrics</c> after a session (edits, a reader, a refused
/// update, a projection daemon) is scraped and compared.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class GrafanaDashboardTests(PostgresFixture postgres)
{
    /// <summary>Series Prometheus itself makes, not the server.</summary>
    private static readonly HashSet<string> PrometheusOwn = ["up"];

    private static readonly HashSet<string> PromQlWords =
    [
        "sum", "max", "min", "avg", "count", "rate", "irate", "increase", "delta", "histogram_quantile", "by", "without",
        "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "max_over_time", "min_over_time", "topk", "bottomk",
        "offset", "bool", "le",
    ];

    [Fact]
    public void The_dashboard_has_the_panels_an_operator_needs()
    {
        var titles = Panels().Select(p => p.Title).ToList();
        foreach (var needed in new[] { "Connections", "Update rate", "Ack latency", "Fan-out latency", "Projection lag", "Errors" })
        {
            Assert.Contains(titles, t => t.StartsWith(needed, StringComparison.Ordinal));
        }
        using var json = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        Assert.Equal("crdtcollab-sync", json.RootElement.GetProperty("uid").GetString());
        // Every panel queries the provisioned datasource by its uid.
        var uid = Yaml.Load("deploy", "grafana", "provisioning", "datasources", "prometheus.yml").List("datasources")[0].Str("uid");
        Assert.All(json.RootElement.GetProperty("panels").EnumerateArray(), p => Assert.Equal(uid, p.GetProperty("datasource").GetProperty("uid").GetString()));
    }

    [Fact]
    public async Task Every_query_is_valid_promql()
    {
        var dir = Directory.CreateTempSubdirectory("crdtcollab-dashboard-").FullName;
        try
        {
            var rules = "groups:\n  - name: dashboard\n    rules:\n" + string.Concat(Panels().SelectMany(p => p.Exprs).Select((e, i) =>
                $"      - record: dashboard_query_{i}\n        expr: '{e.Replace("'", "''", StringComparison.Ordinal)}'\n"));
            File.WriteAllText(Path.Combine(dir, "dashboard.yml"), rules);
            var result = await Tool.RunAsync(await Tool.PromtoolAsync(), ["check", "rules", "dashboard.yml"], dir);
            Assert.True(result.ExitCode == 0, result.ToString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Every_metric_the_dashboard_and_the_alerts_use_is_exported_by_a_real_server()
    {
        // Through a proxy that can cut PostgreSQL away, so a failed commit is counted too.
        await using var proxy = new PostgresProxy(postgres);
        await using var server = await SyncServer.StartAsync(postgres, new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = proxy.ConnectionString });
        using var http = await server.HttpAsync();
        await using var writer = await RawHubClient.ConnectAsync(server);
        await using var reader = await RawHubClient.ConnectAsync(server);
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.Connection.On<string, byte[]>("update", (_, _) => received.TrySetResult());
        await writer.JoinAsync("dashboard");
        await reader.JoinAsync("dashboard");
        var doc = new YDoc();
        byte[]? last = null;
        doc.UpdateV1 += (_, e) => last = e.Update;
        doc.GetText("codemirror").Insert(0, "hello");
        Assert.True((await writer.UpdateAsync("dashboard", last!)).Stored);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<HubException>(() => writer.UpdateAsync("dashboard", [0xFF, 0xFF, 0xFF]));
        // A commit while PostgreSQL is away fails (and is retried until it is back).
        proxy.Cut();
        doc.GetText("codemirror").Insert(0, "offline ");
        var offline = writer.UpdateAsync("dashboard", last!);
        await Scrape.UntilAsync(http, s => s.Has("crdtcollab_commit_failures_total"), TimeSpan.FromSeconds(10));
        proxy.Restore();
        Assert.True((await offline.WaitAsync(TimeSpan.FromSeconds(30))).Stored);
        // A connection that ends.
        await reader.DisposeAsync();
        var projection = new RecordingProjection(server.Schema, "dashboard");
        await projection.CreateTableAsync(postgres.DataSource);
        await using var daemon = new ProjectionDaemon(server.Services.GetRequiredService<PostgresEventStore>(), projection);
        var monitor = server.Services.GetRequiredService<ProjectionMonitor>();
        using var registration = monitor.Register(daemon);
        await monitor.SampleAsync(CancellationToken.None);

        var scrape = await Scrape.UntilAsync(http, s => s.Has("crdtcollab_update_fanout_latency_milliseconds_bucket") && s.Has("crdtcollab_projection_lag")
            && s.Has("crdtcollab_messages_rejected_total") && s.Has("crdtcollab_connections_closed_total"), TimeSpan.FromSeconds(10));
        var exported = scrape.Names.ToHashSet();

        var used = Panels().SelectMany(p => p.Exprs).Concat(AlertRules.All().Where(a => a.Expr.Contains("crdtcollab_", StringComparison.Ordinal) || a.Expr.Contains("http_server", StringComparison.Ordinal)).Select(a => a.Expr))
            .SelectMany(MetricNames)
            .Where(m => !PrometheusOwn.Contains(m) && !m.Contains(':', StringComparison.Ordinal))
            .ToHashSet();
        // The recording rule's source (alerts use crdtcollab:connections_active:sum).
        used.UnionWith(Yaml.Load("deploy", "prometheus", "alerts.yml").List("groups").SelectMany(g => g.List("rules"))
            .Where(r => r.Has("record")).SelectMany(r => MetricNames(r.Str("expr")!)));
        Assert.True(used.Count >= 12, $"only {used.Count} metrics found in the queries");
        var missing = used.Where(m => !exported.Contains(m)).Order().ToList();
        Assert.True(missing.Count == 0, $"used but not exported: {string.Join(", ", missing)}\nexported: {string.Join(", ", exported.Order())}");
    }

    private static string DashboardPath => RepoPaths.Of("deploy", "grafana", "dashboards", "crdtcollab.json");

    private sealed record Panel(string Title, IReadOnlyList<string> Exprs);

    private static List<Panel> Panels()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        return json.RootElement.GetProperty("panels").EnumerateArray()
            .Select(p => new Panel(p.GetProperty("title").GetString()!, p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!).ToList()))
            .ToList();
    }

    /// <summary>The metric names in a PromQL expression: identifiers that are not functions, keywords, label names or label values.</summary>
    private static IEnumerable<string> MetricNames(string expr)
    {
        var stripped = LabelMatchers().Replace(expr, "");
        stripped = Grouping().Replace(stripped, "");
        stripped = RangeOrNumber().Replace(stripped, "");
        return Identifier().Matches(stripped).Select(m => m.Value).Where(w => !PromQlWords.Contains(w)).Distinct();
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\[[^\]]*\]|\b\d+(\.\d+)?\b")]
    private static partial Regex RangeOrNumber();

    [GeneratedRegex(@"[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();
}
