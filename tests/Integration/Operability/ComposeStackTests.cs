using System.Reflection;
using System.Text.RegularExpressions;
using CrdtCollab.Host;
using CrdtCollab.Integration.Tests.Support;
using Xunit;

namespace CrdtCollab.Integration.Tests.Operability;

/// <summary>
/// docker-compose.yml and the files it mounts, without a Docker engine: Compose's own
/// <c>config</c> validates and resolves the file, then its structure is checked against the
/// server's real option classes and the other configuration files (every name one file uses,
/// another defines); nginx checks its config with <c>nginx -t</c>; the collector's pipelines only
/// use components it defines.
/// </summary>
public sealed partial class ComposeStackTests
{
    private static readonly string[] Required = ["postgres", "redis", "node1", "node2", "proxy", "otel-collector", "prometheus", "grafana"];

    [Fact]
    public async Task Compose_validates_the_file_and_it_has_the_whole_stack()
    {
        var services = (await ResolvedAsync()).Map("services");
        Assert.All(Required, s => Assert.True(services.ContainsKey(s), $"service {s} is missing"));
    }

    [Fact]
    public async Task The_nodes_share_database_redis_schema_and_signing_key_and_every_setting_names_a_real_option()
    {
        var services = (await ResolvedAsync()).Map("services");
        var node1 = services.Map("node1").Map("environment");
        var node2 = services.Map("node2").Map("environment");
        foreach (var key in new[] { "ConnectionStrings__Postgres", "Redis__Configuration", "Auth__SigningKey", "Auth__Audience", "Auth__Issuer", "Sync__Schema" })
        {
            Assert.False(string.IsNullOrWhiteSpace(node1.Str(key)), $"node1 has no {key}");
            Assert.Equal(node1.Str(key), node2.Str(key));
        }
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(node1.Str("Auth__SigningKey")!) >= 32, "the signing key is shorter than 32 bytes");
        Assert.Contains("Host=postgres", node1.Str("ConnectionStrings__Postgres"), StringComparison.Ordinal);
        Assert.StartsWith("redis:", node1.Str("Redis__Configuration"), StringComparison.Ordinal);

        // Section__Property must bind to an options class of the server (a typo would be ignored at run time).
        var sections = typeof(SyncServerApp).Assembly.GetTypes()
            .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true })
            .ToDictionary(x => (string)x.Field!.GetRawConstantValue()!, x => x.Type);
        foreach (var key in node1.Keys.Select(k => k.ToString()!).Where(k => k.Contains("__", StringComparison.Ordinal) && !k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)))
        {
            var parts = key.Split("__");
            Assert.True(sections.TryGetValue(parts[0], out var options), $"{key}: no options class has Section \"{parts[0]}\"");
            Assert.True(options!.GetProperty(parts[1]) is not null, $"{key}: {options.Name} has no property {parts[1]}");
        }
    }

    [Fact]
    public async Task Volumes_mounts_dependencies_and_ports_refer_to_things_that_exist()
    {
        var resolved = await ResolvedAsync();
        var services = resolved.Map("services");
        var volumes = resolved.Has("volumes") ? resolved.Map("volumes").Keys.Select(k => k.ToString()).ToHashSet() : [];
        foreach (var (name, service) in services.Select(kv => (kv.Key.ToString()!, kv.Value)))
        {
            if (service.Has("volumes"))
            {
                foreach (var mount in service.List("volumes").Select(v => v.ToString()!))
                {
                    var source = mount.Split(':')[0];
                    if (source.StartsWith('/'))
                    {
                        // Bind mounts from the repository (Compose made them absolute); the host root for the node exporter.
                        Assert.True(source == "/" || File.Exists(source) || Directory.Exists(source), $"{name}: {source} does not exist");
                    }
                    else
                    {
                        Assert.True(volumes.Contains(source), $"{name}: volume {source} is not declared");
                    }
                }
            }
            if (service.Has("depends_on"))
            {
                foreach (var (dependency, condition) in service.Map("depends_on").Select(kv => (kv.Key.ToString()!, kv.Value.Str("condition"))))
                {
                    Assert.True(services.ContainsKey(dependency), $"{name} depends on unknown {dependency}");
                    if (condition == "service_healthy")
                    {
                        bool imageHealthcheck = services.Map(dependency).Has("build") && File.ReadAllText(RepoPaths.Of("Dockerfile")).Contains("HEALTHCHECK", StringComparison.Ordinal);
                        Assert.True(services.Map(dependency).Has("healthcheck") || imageHealthcheck, $"{name} waits for {dependency} to be healthy, which has no healthcheck");
                    }
                }
            }
            if (service.Has("ports"))
            {
                Assert.All(service.List("ports").Select(p => p.ToString()!), p => Assert.StartsWith("127.0.0.1:", p, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task Prometheus_nginx_and_grafana_point_at_services_and_ports_that_exist()
    {
        var services = (await ResolvedAsync()).Map("services");
        var scrapeTargets = Yaml.Load("deploy", "prometheus", "prometheus.yml").List("scrape_configs")
            .SelectMany(job => job.List("static_configs").SelectMany(c => c.List("targets")).Select(t => t.ToString()!)
                .Concat(job.Has("relabel_configs") ? job.List("relabel_configs").Select(r => r.Str("replacement")).OfType<string>() : []))
            .Select(t => HostPort().Match(t))
            .Where(m => m.Success && m.Groups["host"].Value is not ("localhost" or "collab.example.com"))
            .ToList();
        Assert.NotEmpty(scrapeTargets);
        Assert.All(scrapeTargets, m => Assert.True(services.ContainsKey(m.Groups["host"].Value), $"Prometheus scrapes unknown host {m.Value}"));
        // The collector's Prometheus exporter listens where Prometheus scrapes it.
        var collectorPort = Yaml.Load("deploy", "otel-collector", "config.yaml").Map("exporters").Map("prometheus").Str("endpoint")!.Split(':')[^1];
        Assert.Contains(scrapeTargets, m => m.Groups["host"].Value == "otel-collector" && m.Groups["port"].Value == collectorPort);

        var upstreams = UpstreamServer().Matches(File.ReadAllText(RepoPaths.Of("deploy", "nginx", "nginx.conf"))).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["node1", "node2"], upstreams);

        var datasource = Yaml.Load("deploy", "grafana", "provisioning", "datasources", "prometheus.yml").List("datasources")[0];
        Assert.Equal("http://prometheus:9090", datasource.Str("url"));
        var dashboardsPath = Yaml.Load("deploy", "grafana", "provisioning", "dashboards", "crdtcollab.yml").List("providers")[0].Map("options").Str("path");
        Assert.Contains(services.Map("grafana").List("volumes").Select(v => v.ToString()!), v => v.EndsWith(":" + dashboardsPath + ":ro", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_collector_pipelines_use_only_defined_components_and_every_component_is_used()
    {
        var config = Yaml.Load("deploy", "otel-collector", "config.yaml");
        var pipelines = config.Map("service").Map("pipelines");
        Assert.True(pipelines.ContainsKey("traces") && pipelines.ContainsKey("metrics") && pipelines.ContainsKey("logs"));
        foreach (var kind in new[] { "receivers", "processors", "exporters" })
        {
            var defined = config.Map(kind).Keys.Select(k => k.ToString()!).ToHashSet();
            var used = pipelines.Values.SelectMany(p => p.Has(kind) ? p.List(kind).Select(x => x.ToString()!) : []).ToHashSet();
            Assert.True(used.IsSubsetOf(defined), $"{kind} used but not defined: {string.Join(", ", used.Except(defined))}");
            Assert.True(defined.IsSubsetOf(used), $"{kind} defined but unused: {string.Join(", ", defined.Except(used))}");
        }
        var extensions = config.Map("extensions").Keys.Select(k => k.ToString()!).ToHashSet();
        Assert.All(config.Map("service").List("extensions").Select(e => e.ToString()!), e => Assert.Contains(e, extensions));
        // The nodes send OTLP to the collector's gRPC receiver.
        var node = (await ResolvedAsync()).Map("services").Map("node1").Map("environment");
        var grpcPort = config.Map("receivers").Map("otlp").Map("protocols").Map("grpc").Str("endpoint")!.Split(':')[^1];
        Assert.Equal($"http://otel-collector:{grpcPort}", node.Str("OTEL_EXPORTER_OTLP_ENDPOINT"));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Nginx_accepts_the_proxy_config()
    {
        var dir = Directory.CreateTempSubdirectory("crdtcollab-nginx-").FullName;
        try
        {
            // Compose's service names resolve only inside Compose's network; here they are loopback.
            var conf = File.ReadAllText(RepoPaths.Of("deploy", "nginx", "nginx.conf"))
                .Replace("server node1:8080", "server 127.0.0.1:1", StringComparison.Ordinal)
                .Replace("server node2:8080", "server 127.0.0.1:2", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(dir, "nginx.conf"), conf);
            var result = await Tool.RunAsync(await Tool.NginxAsync(),
                ["-t", "-c", Path.Combine(dir, "nginx.conf"), "-p", dir, "-g", $"pid {dir}/nginx.pid; error_log {dir}/error.log;"]);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("test is successful", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<Dictionary<object, object>> ResolvedAsync()
    {
        var check = await Tool.RunAsync(await Tool.DockerComposeAsync(), ["-f", "docker-compose.yml", "config", "-q"]);
        Assert.True(check.ExitCode == 0, check.ToString());
        var resolved = await Tool.RunAsync(await Tool.DockerComposeAsync(), ["-f", "docker-compose.yml", "config"]);
        Assert.True(resolved.ExitCode == 0, resolved.ToString());
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, resolved.StdOut);
            return Yaml.LoadFile(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [GeneratedRegex(@"^(?:https?://)?(?<host>[a-z0-9.-]+):(?<port>\d+)")]
    private static partial Regex HostPort();

    [GeneratedRegex(@"^\s*server\s+([a-z0-9-]+):8080\b", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();
}
