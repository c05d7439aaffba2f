using CrdtCollab.Progress.Domain;

namespace CrdtCollab.Progress.Projections;

/// <summary>Read model of a project's structure: areas, systems, test packages, templates (id = project id).</summary>
public sealed class ProjectSetup
{
    /// <summary>The project id.</summary>
    public string Id { get; set; } = "";

    /// <summary>Display name.</summary>
    public string Name { get; set; } = "";

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Areas by id → name.</summary>
    public Dictionary<string, string> Areas { get; set; } = [];

    /// <summary>Systems by id → name.</summary>
    public Dictionary<string, string> Systems { get; set; } = [];

    /// <summary>Test packages by id.</summary>
    public Dictionary<string, TestPackageInfo> TestPackages { get; set; } = [];

    /// <summary>Milestone templates by component type.</summary>
    public Dictionary<string, List<MilestoneDefinition>> Templates { get; set; } = [];

    /// <summary>Number of drawings imported.</summary>
    public int DrawingCount { get; set; }

    /// <summary>Number of components imported.</summary>
    public int ComponentCount { get; set; }
}
