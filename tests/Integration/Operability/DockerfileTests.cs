using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using CrdtCollab.Integration.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace CrdtCollab.Integration.Tests.Operability;

/// <summary>
/// The Dockerfile without a Docker engine: its stages are read and checked (SDK builds, the
/// runtime stage is the small ASP.NET image, runs as a non-root user, has no build or shell
/// tools installed, has a HEALTHCHECK), and what the runtime stage runs is run natively: the Host
/// published as the build stage publishes it, started with the stage's environment and
/// entrypoint, and probed with the stage's own HEALTHCHECK command, which passes while the server
/// lives and fails once it is killed.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class DockerfileTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public void The_image_is_multi_stage_small_non_root_and_has_a_healthcheck()
    {
        var stages = Stages();
        Assert.True(stages.Count >= 2, "not a multi-stage build");
        Assert.Contains(stages, s => s.From.StartsWith("mcr.microsoft.com/dotnet/sdk:", StringComparison.Ordinal));
        var runtime = stages[^1];
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", runtime.From, StringComparison.Ordinal);
        var user = runtime.Instructions.Where(i => i.Op == "USER").Select(i => i.Args).LastOrDefault();
        Assert.False(user is null or "root" or "0", $"the runtime stage runs as {user ?? "root (no USER)"}");
        Assert.Contains(runtime.Instructions, i => i.Op == "HEALTHCHECK" && i.Args.Contains("/health/live", StringComparison.Ordinal));
        // No package installs, compilers or download tools in what ships.
        foreach (var i in runtime.Instructions.Where(i => i.Op == "RUN"))
        {
            Assert.DoesNotMatch(DevTool(), i.Args);
        }
        Assert.All(runtime.Instructions.Where(i => i.Op == "COPY"), i => Assert.Contains("--from=", i.Args, StringComparison.Ordinal));
        Assert.Contains(runtime.Instructions, i => i.Op == "ENTRYPOINT" && i.Args.Contains("CrdtCollab.Host.dll", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_file_the_build_copies_exists_and_is_not_ignored()
    {
        var ignored = File.ReadAllLines(RepoPaths.Of(".dockerignore")).Where(l => l.Length > 0 && l[0] != '#').ToList();
        foreach (var copy in Stages().SelectMany(s => s.Instructions).Where(i => i.Op == "COPY" && !i.Args.Contains("--from=", StringComparison.Ordinal)))
        {
            var sources = copy.Args.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1];
            foreach (var source in sources)
            {
                var path = RepoPaths.Of(source.TrimEnd('/'));
                Assert.True(File.Exists(path) || Directory.Exists(path), $"COPY {source}: not in the repository");
                Assert.DoesNotContain(ignored, pattern => pattern.TrimEnd('/') == source.TrimEnd('/'));
            }
        }
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/node_modules/", ignored);
    }

    [Fact]
    public async Task The_published_server_passes_the_images_healthcheck_and_fails_it_when_killed()
    {
        var runtime = Stages()[^1];
        var publish = Directory.CreateTempSubdirectory("crdtcollab-publish-").FullName;
        Process? server = null;
        try
        {
            // As the build stage: Release, the bundle already in wwwroot, no Node step.
            var published = await Tool.RunAsync("dotnet", ["publish", RepoPaths.Of("src", "Host", "Host.csproj"), "-c", "Release", "--no-build", "-o", publish, "-p:SkipClientAppBuild=true"],
                timeout: TimeSpan.FromMinutes(3));
            Assert.True(published.ExitCode == 0, published.ToString());
            Assert.True(File.Exists(Path.Combine(publish, "wwwroot", "app.js")), "the demo bundle is not in the published wwwroot");

            int port = FreePort();
            var env = Environment(runtime, port);
            var entry = EntrypointRegex().Match(runtime.Instructions.Single(i => i.Op == "ENTRYPOINT").Args).Groups.Cast<Group>().Skip(1).Select(g => g.Value).ToArray();
            var start = new ProcessStartInfo(entry[0]) { WorkingDirectory = publish, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in entry[1..])
            {
                start.ArgumentList.Add(a);
            }
            foreach (var (k, v) in env)
            {
                start.Environment[k] = v;
            }
            start.Environment["ConnectionStrings__Postgres"] = postgres.ConnectionString;
            start.Environment["Sync__Schema"] = TestSchema.NewName("docker");
            foreach (var (k, v) in TestTokens.ServerSettings())
            {
                start.Environment[k.Replace(":", "__", StringComparison.Ordinal)] = v;
            }
            server = Process.Start(start)!;
            server.OutputDataReceived += (_, e) => { };
            server.ErrorDataReceived += (_, e) => { };
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();

            var healthcheck = HealthcheckCommand(runtime);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            Tool.Result probe;
            while ((probe = await Tool.RunAsync("sh", ["-c", healthcheck], publish, env)).ExitCode != 0)
            {
                Assert.False(server.HasExited, $"the server exited with {(server.HasExited ? server.ExitCode : 0)}");
                Assert.True(DateTime.UtcNow < deadline, $"the HEALTHCHECK never passed: {probe}");
                await Task.Delay(250);
            }
            output.WriteLine($"HEALTHCHECK passed on port {port}");

            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            var dead = await Tool.RunAsync("sh", ["-c", healthcheck], publish, env);
            Assert.NotEqual(0, dead.ExitCode);
        }
        finally
        {
            if (server is { HasExited: false })
            {
                server.Kill(entireProcessTree: true);
            }
            server?.Dispose();
            Directory.Delete(publish, recursive: true);
        }
    }

    /// <summary>The runtime stage's ENV, in order (later ones may use earlier ones), with its port replaced by <paramref name="port"/>.</summary>
    private static Dictionary<string, string> Environment(Stage runtime, int port)
    {
        var env = new Dictionary<string, string>();
        foreach (var i in runtime.Instructions.Where(i => i.Op == "ENV"))
        {
            foreach (Match m in EnvPair().Matches(i.Args))
            {
                var value = m.Groups[2].Value;
                value = Reference().Replace(value, r => env.TryGetValue(r.Groups[1].Value, out var v) ? v : "");
                env[m.Groups[1].Value] = m.Groups[1].Value == "CRDTCOLLAB_PORT" ? port.ToString(System.Globalization.CultureInfo.InvariantCulture) : value;
            }
        }
        Assert.True(env.ContainsKey("CRDTCOLLAB_PORT"), "the runtime stage sets no CRDTCOLLAB_PORT");
        env["ASPNETCORE_URLS"] = env["ASPNETCORE_URLS"].Replace("+", "127.0.0.1", StringComparison.Ordinal);
        return env;
    }

    private static string HealthcheckCommand(Stage runtime)
    {
        var args = runtime.Instructions.Single(i => i.Op == "HEALTHCHECK").Args;
        return args[(args.IndexOf("CMD ", StringComparison.Ordinal) + 4)..];
    }

    private sealed record Instruction(string Op, string Args);

    private sealed record Stage(string From, List<Instruction> Instructions);

    private static List<Stage> Stages()
    {
        // Joins continuation lines, drops comments, splits into stages at FROM.
        var text = File.ReadAllText(RepoPaths.Of("Dockerfile"));
        var lines = new List<string>();
        var current = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (current.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0))
            {
                continue;
            }
            if (line.EndsWith('\\'))
            {
                current += line[..^1].Trim() + " ";
                continue;
            }
            lines.Add((current + line.Trim()).Trim());
            current = "";
        }
        var stages = new List<Stage>();
        foreach (var line in lines)
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var op = line[..space].ToUpperInvariant();
            var args = line[(space + 1)..].Trim();
            if (op == "FROM")
            {
                stages.Add(new Stage(args.Split(' ')[0], []));
            }
            else
            {
                stages[^1].Instructions.Add(new Instruction(op, args));
            }
        }
        return stages;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"\b(apt-get|apk|curl|wget|dotnet-sdk|gcc|make|npm)\b")]
    private static partial Regex DevTool();

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(\S*)")]
    private static partial Regex EnvPair();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^\[""([^""]+)"",\s*""([^""]+)""\]$")]
    private static partial Regex EntrypointRegex();
}
