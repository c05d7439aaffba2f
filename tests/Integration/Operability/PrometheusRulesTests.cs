using Xunit;

using CrdtCollab.Integration.Tests.Support;

namespace CrdtCollab.Integration.Tests.Operability;

/// <summary>
/// The alert rules and the Prometheus configuration, checked by Prometheus's own tool: syntax
/// (<c>promtool check rules/config</c>), behaviour (<c>promtool test rules</c>: each alert fires on
/// the series it is meant for and stays quiet on its healthy neighbours), and that no alert goes
/// untested.
/// </summary>
public sealed class PrometheusRulesTests
{
    private static string Dir => RepoPaths.Of("deploy", "prometheus");

    [Fact]
    public async Task The_alert_rules_pass_promtool_check_rules()
    {
        var result = await Tool.RunAsync(await Tool.PromtoolAsync(), ["check", "rules", "alerts.yml"], Dir);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_alert_unit_tests_pass_promtool_test_rules()
    {
        var result = await Tool.RunAsync(await Tool.PromtoolAsync(), ["test", "rules", "alerts.test.yml"], Dir);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_compose_prometheus_config_passes_promtool_check_config()
    {
        var result = await Tool.RunAsync(await Tool.PromtoolAsync(), ["check", "config", "prometheus.yml"], Dir);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task The_blackbox_modules_pass_the_exporters_config_check()
    {
        var result = await Tool.RunAsync(await Tool.BlackboxExporterAsync(), ["--config.file=blackbox.yml", "--config.check"], Dir);
        Assert.True(result.ExitCode == 0, result.ToString());
        var modules = Yaml.Load("deploy", "prometheus", "blackbox.yml").Map("modules").Keys.Select(k => k.ToString()).ToHashSet();
        var used = Yaml.Load("deploy", "prometheus", "prometheus.yml").List("scrape_configs")
            .Where(job => job.Has("params")).SelectMany(job => job.Map("params").List("module")).Select(m => m.ToString()!);
        Assert.All(used, m => Assert.Contains(m, modules));
    }

    [Fact]
    public void Every_alert_has_a_unit_test_in_which_it_fires()
    {
        var alerts = AlertRules.All().Select(a => a.Name).ToList();
        Assert.True(alerts.Count >= 10, $"only {alerts.Count} alerts");
        var tests = Yaml.Load("deploy", "prometheus", "alerts.test.yml").List("tests");
        var firing = tests.SelectMany(t => t.List("alert_rule_test"))
            .Where(case_ => case_.Has("exp_alerts") && case_.List("exp_alerts").Count > 0)
            .Select(case_ => case_.Str("alertname"))
            .ToHashSet();
        Assert.All(alerts, name => Assert.True(firing.Contains(name), $"{name} has no promtool test case where it fires"));
        Assert.True(alerts.Distinct().Count() == alerts.Count, "alert names repeat");
    }

    [Fact]
    public void The_issue_list_of_alerts_is_covered()
    {
        var exprs = AlertRules.All().Select(a => a.Expr).ToList();
        // error rate, ack p99, fan-out p99, projection lag, disconnects, database down, node down, disk, certificate.
        foreach (var metric in new[] { "http_response_status_code=~\"5..\"", "ack_latency", "fanout_latency", "projection_lag",
                     "crdtcollab:connections_active:sum", "crdtcollab-ready", "crdtcollab_storage_available", "up{", "node_filesystem_avail_bytes", "probe_ssl_earliest_cert_expiry" })
        {
            Assert.True(exprs.Any(e => e.Contains(metric, StringComparison.Ordinal)), $"no alert uses {metric}");
        }
    }
}
