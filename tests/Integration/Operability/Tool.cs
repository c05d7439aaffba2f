using System.Diagnostics;
using CrdtCollab.Tests.Support;

using CrdtCollab.Integration.Tests.Support;

namespace CrdtCollab.Integration.Tests.Operability;

/// <summary>
/// Runs one of the deployment's own tools (promtool, nginx, docker-compose, bash scripts) with a
/// timeout and returns its exit code and output; installs the Debian package first when missing.
/// </summary>
internal static class Tool
{
    public sealed record Result(int ExitCode, string Output, string StdOut)
    {
        public override string ToString() => $"exit {ExitCode}:\n{Output}";
    }

    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[k] = v;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time:\n{await stdout}\n{await stderr}");
        }
        return new Result(process.ExitCode, (await stdout) + (await stderr), await stdout);
    }

    /// <summary>promtool, from Debian's prometheus package.</summary>
    public static async Task<string> PromtoolAsync()
    {
        await Apt.EnsureAsync("/usr/bin/promtool", "prometheus");
        return "/usr/bin/promtool";
    }

    /// <summary>The Prometheus server, from the same package.</summary>
    public static async Task<string> PrometheusAsync()
    {
        await Apt.EnsureAsync("/usr/bin/prometheus", "prometheus");
        return "/usr/bin/prometheus";
    }

    public static async Task<string> NginxAsync()
    {
        await Apt.EnsureAsync("/usr/sbin/nginx", "nginx-light");
        return "/usr/sbin/nginx";
    }

    /// <summary>Compose v1 (Debian's docker-compose): its <c>config</c> command validates a file without an engine.</summary>
    public static async Task<string> DockerComposeAsync()
    {
        await Apt.EnsureAsync("/usr/bin/docker-compose", "docker-compose");
        return "/usr/bin/docker-compose";
    }

    public static async Task<string> BlackboxExporterAsync()
    {
        await Apt.EnsureAsync("/usr/bin/prometheus-blackbox-exporter", "prometheus-blackbox-exporter");
        return "/usr/bin/prometheus-blackbox-exporter";
    }
}
