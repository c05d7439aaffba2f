using System.Diagnostics;

namespace CrdtCollab.Integration.Tests.E2E;

/// <summary>
/// Debian's chromium, which the browser tests drive. Playwright's own browser download cannot
/// reach its CDN from these machines, so a missing chromium is installed with apt, once per run.
/// </summary>
internal static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>No sandbox because tests run as root; the rest keeps chromium from calling home or
    /// spending the two cores on GPU emulation and background services.</summary>
    public static readonly IReadOnlyList<string> Args =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private static readonly Lazy<Task> _install = new(InstallIfMissingAsync);

    public static Task EnsureInstalledAsync() => _install.Value;

    private static async Task InstallIfMissingAsync()
    {
        if (File.Exists(ExecutablePath))
        {
            return;
        }
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing; install it with: sudo apt-get install -y chromium");
        }
        await AptAsync("update");
        await AptAsync("install", "-y", "chromium");
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"apt-get installed chromium but {ExecutablePath} is still missing");
        }
    }

    private static async Task AptAsync(params string[] args)
    {
        var start = new ProcessStartInfo("apt-get")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        // CI runs with no terminal: no package may stop to ask a question.
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"apt-get {string.Join(' ', args)} took more than 10 minutes");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"apt-get {string.Join(' ', args)} failed ({process.ExitCode}): {await stdout}\n{await stderr}");
        }
    }
}
