using System.Diagnostics;

namespace CrdtCollab.Tests.Support;

/// <summary>
/// Installs a Debian package the tests need when its program is missing (CI starts from a clean
/// machine and runs as root with no terminal). One install at a time per test process: apt holds
/// a lock, and two test classes asking at once would otherwise fail each other.
/// </summary>
public static class Apt
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    private static bool s_updated;

    /// <summary>Makes sure <paramref name="executable"/> exists, installing <paramref name="package"/> if not.</summary>
    /// <exception cref="InvalidOperationException">Not root and the program is missing, or apt failed.</exception>
    public static async Task EnsureAsync(string executable, string package)
    {
        if (File.Exists(executable))
        {
            return;
        }
        await Gate.WaitAsync();
        try
        {
            if (File.Exists(executable))
            {
                return;
            }
            if (Environment.UserName != "root")
            {
                throw new InvalidOperationException($"{executable} is missing; install it with: sudo apt-get install -y {package}");
            }
            if (!s_updated)
            {
                await RunAsync("update");
                s_updated = true;
            }
            await RunAsync("install", "-y", "--no-install-recommends", package);
            if (!File.Exists(executable))
            {
                throw new InvalidOperationException($"apt-get installed {package} but {executable} is still missing");
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task RunAsync(params string[] args)
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
        // No package may stop to ask a question: CI has no terminal.
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start apt-get");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"apt-get {string.Join(' ', args)} took more than {Timeout}");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"apt-get {string.Join(' ', args)} failed ({process.ExitCode}): {await stdout}\n{await stderr}");
        }
    }
}
