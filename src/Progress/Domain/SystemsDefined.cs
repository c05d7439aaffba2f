namespace CrdtCollab.Progress.Domain;

/// <summary>Systems were added or renamed (upsert by id; systems are never removed).</summary>
public sealed record SystemsDefined(string ProjectId, IReadOnlyList<NamedItem> Systems);
