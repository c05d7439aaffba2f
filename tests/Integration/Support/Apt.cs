using System.Diagnostics;

namespace CrdtCollab.Integration.Tests.Support;

/// <summary>
/// Installs a Debian package a test needs when the file it provides is missing (CI starts from a
/// clean machine; tests run as root there). One apt run at a time: dpkg holds a lock.
/// </summary>
internal static class Apt
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _updated;

    /// <summary>Installs <paramref name="package"/> unless <paramref name="providedFile"/> already exists.</summary>
    public static async Task EnsureAsync(string package, string providedFile)
    {
        if (File.Exists(providedFile))
        {
            return;
        }
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException($"{providedFile} is missing; install it with: sudo apt-get install -y {package}");
        }
        await Gate.WaitAsync();
        try
        {
            if (File.Exists(providedFile))
            {
                return;
            }
            if (!_updated)
            {
                await RunAsync("update");
                _updated = true;
            }
            await RunAsync("install", "-y", package);
            if (!File.Exists(providedFile))
            {
                throw new InvalidOperationException($"apt-get installed {package} but {providedFile} is still missing");
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
