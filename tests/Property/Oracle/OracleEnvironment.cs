using System.Diagnostics;
using System.Security.Cryptography;

namespace CrdtCollab.Property.Tests.Oracle;

/// <summary>
/// Finds <c>tests/Property/oracle-js</c> and makes sure its <c>node_modules</c> matches the
/// committed <c>package-lock.json</c>, running <c>npm ci</c> when it does not (CI starts from a
/// clean clone). A lock file serialises installs between test processes.
/// </summary>
public static class OracleEnvironment
{
    /// <summary>Written into node_modules after a successful <c>npm ci</c>: the lockfile's hash.</summary>
    private const string InstalledMarker = ".crdtcollab-installed";

    // npm ci downloads four small packages; ten minutes covers a slow registry.
    private static readonly TimeSpan NpmCiTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The repository root: the first ancestor of the test assembly holding CrdtCollab.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The oracle's Node package directory (override with CRDT_ORACLE_DIR).</summary>
    public static string OracleDir { get; } =
        Environment.GetEnvironmentVariable("CRDT_ORACLE_DIR") is { Length: > 0 } dir
            ? Path.GetFullPath(dir)
            : Path.Combine(RepoRoot, "tests", "Property", "oracle-js");

    /// <summary>The golden-vector directory.</summary>
    public static string GoldenDir { get; } = Path.Combine(RepoRoot, "tests", "Property", "Golden");

    /// <summary>The node executable (override with CRDT_NODE).</summary>
    public static string Node { get; } = Environment.GetEnvironmentVariable("CRDT_NODE") is { Length: > 0 } n ? n : "node";

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrdtCollab.sln")))
            {
                return dir.FullName;
            }
        }

        throw new OracleException($"CrdtCollab.sln not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Runs <c>npm ci</c> if node_modules is missing or was installed from another lockfile.</summary>
    public static void EnsureInstalled(Action<string>? log = null)
    {
        var lockPath = Path.Combine(OracleDir, "package-lock.json");
        if (!File.Exists(lockPath))
        {
            throw new OracleException($"{lockPath} is missing");
        }

        var wanted = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(lockPath)));
        var marker = Path.Combine(OracleDir, "node_modules", InstalledMarker);
        if (IsCurrent(marker, wanted))
        {
            return;
        }

        using var gate = AcquireLock(Path.Combine(OracleDir, ".npm-ci.lock"));
        if (IsCurrent(marker, wanted))
        {
            return; // another process installed while we waited
        }

        log?.Invoke($"oracle: running npm ci in {OracleDir}");
        var (code, output) = Run(OperatingSystem.IsWindows() ? "npm.cmd" : "npm", "ci --no-audit --no-fund --loglevel=error", OracleDir, NpmCiTimeout);
        if (code != 0)
        {
            throw new OracleException($"npm ci failed with exit code {code}:\n{output}");
        }

        File.WriteAllText(marker, wanted);
    }

    private static bool IsCurrent(string marker, string wanted) =>
        File.Exists(marker) && File.ReadAllText(marker).Trim() == wanted;

    private static FileStream AcquireLock(string path)
    {
        var deadline = DateTime.UtcNow + NpmCiTimeout;
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
        using var p = Process.Start(psi) ?? throw new OracleException($"could not start {file}");
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new OracleException($"{file} {args} timed out after {timeout}");
        }

        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
