namespace CrdtCollab.Integration.Tests.Support;

/// <summary>Paths inside the repository, found from the test binaries upwards.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrdtCollab.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("CrdtCollab.sln not found above " + AppContext.BaseDirectory);
    }
}
