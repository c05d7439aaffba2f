namespace CrdtCollab.Benchmarks.Traces;

/// <summary>
/// Finds the repository from wherever the benchmark runs: BenchmarkDotNet starts out-of-process
/// benchmarks from a generated project below <c>benchmarks/bin</c>, so paths are found by walking
/// up from the current and the base directory rather than assumed.
/// </summary>
public static class RepoPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The repository root (the folder holding <c>benchmarks/Data</c>).</summary>
    public static string RepoRoot => Root.Value;

    public static string BenchmarksDir => Path.Combine(RepoRoot, "benchmarks");

    public static string DataDir => Path.Combine(BenchmarksDir, "Data");

    public static string GoldenTraceDir => Path.Combine(RepoRoot, "tests", "Property", "Golden", "traces");

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("CRDT_REPO_ROOT") is { Length: > 0 } fromEnv)
        {
            return fromEnv;
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "benchmarks", "Data", "sveltecomponent.json.gz")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException("benchmarks/Data not found above the current or base directory; set CRDT_REPO_ROOT");
    }
}
