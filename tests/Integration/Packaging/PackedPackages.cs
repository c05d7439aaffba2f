using System.Xml.Linq;
using CrdtCollab.Integration.Tests.Operability;
using CrdtCollab.Integration.Tests.Support;

namespace CrdtCollab.Integration.Tests.Packaging;

/// <summary>
/// The NuGet packages <c>.ci/run</c> packs into <c>artifacts/packages</c> (before the tests). Run
/// alone, the tests pack them there themselves from the Release build they were built with.
/// </summary>
internal static class PackedPackages
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static string Directory => RepoPaths.Of("artifacts", "packages");

    /// <summary>The one version of the repository (Directory.Build.props VersionPrefix).</summary>
    public static string Version { get; } = XDocument.Load(RepoPaths.Of("Directory.Build.props")).Descendants("VersionPrefix").Single().Value;

    public static string PathOf(string id, string extension = "nupkg") => Path.Combine(Directory, $"{id}.{Version}.{extension}");

    public static async Task EnsurePackedAsync()
    {
        await Gate.WaitAsync();
        try
        {
            foreach (var project in new[] { "Crdt", "Client" })
            {
                if (File.Exists(PathOf("CrdtCollab." + project)))
                {
                    continue;
                }
#if DEBUG
                const string Configuration = "Debug";
#else
                const string Configuration = "Release";
#endif
                var pack = await Tool.RunAsync("dotnet", ["pack", RepoPaths.Of("src", project, project + ".csproj"), "-c", Configuration, "--no-build", "-o", Directory],
                    timeout: TimeSpan.FromMinutes(3));
                if (pack.ExitCode != 0)
                {
                    throw new InvalidOperationException($"dotnet pack {project} failed: {pack}");
                }
            }
        }
        finally
        {
            Gate.Release();
        }
    }
}
