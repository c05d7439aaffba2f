namespace CrdtCollab.Progress.Projections;

/// <summary>The levels progress rolls up to. Stored as text in <see cref="RollupProgress.Kind"/>.</summary>
public static class RollupKind
{
    /// <summary>The whole project.</summary>
    public const string Project = "project";

    /// <summary>An area.</summary>
    public const string Area = "area";

    /// <summary>A system.</summary>
    public const string System = "system";

    /// <summary>A test package.</summary>
    public const string TestPackage = "test-package";

    /// <summary>One drawing (used by the daily history only).</summary>
    public const string Drawing = "drawing";

    /// <summary>The document id of a rollup: <c>{projectId}:{kind}:{key}</c> (the project's key is its id).</summary>
    public static string RollupId(string projectId, string kind, string key) => projectId + ":" + kind + ":" + key;
}
