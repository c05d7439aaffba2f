using System.Diagnostics;
using System.Security.Cryptography;

namespace CrdtCollab.Tests.Shared;

/// <summary>
/// Keeps a test suite's Node package directory installed from its committed
/// <c>package-lock.json</c>: <c>npm ci</c> runs when <c>node_modules</c> is missing or was installed
/// from another lockfile (CI starts from a clean clone). A lock file serialises installs between
/// test processes. Compiled into each test project that drives Node.
/// </summary>
internal static class NpmPackage
{
    /// <summary>Written into node_modules after a successful <c>npm ci</c>: the lockfile's hash.</summary>
    private const string InstalledMarker = ".crdtcollab-installed";

    /// <summary>Runs <c>npm ci</c> in <paramref name="directory"/> unless it is current.</summary>
    /// <exception cref="InvalidOperationException">The lockfile is missing, or npm failed or timed out.</exception>
    public static void EnsureInstalled(string directory, TimeSpan timeout, Action<string>? log = null)
    {
        var lockPath = Path.Combine(directory, "package-lock.json");
        if (!File.Exists(lockPath))
        {
            throw new InvalidOperationException($"{lockPath} is missing");
        }

        var wanted = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(lockPath)));
        var marker = Path.Combine(directory, "node_modules", InstalledMarker);
        if (IsCurrent(marker, wanted))
        {
            return;
        }

        using var gate = AcquireLock(Path.Combine(directory, ".npm-ci.lock"), timeout);
        if (IsCurrent(marker, wanted))
        {
            return; // another process installed while we waited
        }

        log?.Invoke($"running npm ci in {directory}");
        var (code, output) = Run(OperatingSystem.IsWindows() ? "npm.cmd" : "npm", "ci --no-audit --no-fund --loglevel=error", directory, timeout);
        if (code != 0)
        {
            throw new InvalidOperationException($"npm ci in {directory} failed with exit code {code}:\n{output}");
        }

        File.WriteAllText(marker, wanted);
    }

    private static bool IsCurrent(string marker, string wanted) =>
        File.Exists(marker) && File.ReadAllText(marker).Trim() == wanted;

    private static FileStream AcquireLock(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    private static (int Code, string Output) Run(string file, string args, string cwd, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {args} timed out after {timeout}");
        }

        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
