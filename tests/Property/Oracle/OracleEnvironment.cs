using CrdtCollab.Tests.Shared;

namespace CrdtCollab.Property.Tests.Oracle;

/// <summary>
/// Finds <c>tests/Property/oracle-js</c> and makes sure its <c>node_modules</c> matches the
/// committed <c>package-lock.json</c> (<see cref="NpmPackage"/>).
/// </summary>
public static class OracleEnvironment
{
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
        try
        {
            NpmPackage.EnsureInstalled(OracleDir, NpmCiTimeout, log is null ? null : message => log("oracle: " + message));
        }
        catch (InvalidOperationException e)
        {
            throw new OracleException(e.Message, e);
        }
    }
}
