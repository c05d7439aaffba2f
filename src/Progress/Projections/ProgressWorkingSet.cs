namespace CrdtCollab.Progress.Projections;

/// <summary>
/// The read-model documents one batch of domain events touches, loaded up front and written back
/// once. <see cref="ProgressApplier"/> mutates them; the Marten projection and the rebuild load and
/// store them.
/// </summary>
public sealed class ProgressWorkingSet
{
    /// <summary>Projects by id.</summary>
    public Dictionary<string, ProjectSetup> Projects { get; } = [];

    /// <summary>Drawings by document id.</summary>
    public Dictionary<string, DrawingProgress> Drawings { get; } = [];

    /// <summary>Rollups by id.</summary>
    public Dictionary<string, RollupProgress> Rollups { get; } = [];

    /// <summary>Daily rows by id.</summary>
    public Dictionary<string, DailyProgress> Daily { get; } = [];

    /// <summary>Registry rows created by this batch.</summary>
    public List<DrawingStreamEntry> NewStreams { get; } = [];

    /// <summary>Projects whose every drawing is loaded (needed when a template is redefined).</summary>
    public HashSet<string> FullyLoadedProjects { get; } = [];

    /// <summary>Ids of documents changed by the batch, per type.</summary>
    public HashSet<object> Touched { get; } = new(ReferenceEqualityComparer.Instance);
}
