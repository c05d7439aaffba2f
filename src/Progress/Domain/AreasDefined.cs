namespace CrdtCollab.Progress.Domain;

/// <summary>Areas were added or renamed (upsert by id; areas are never removed).</summary>
public sealed record AreasDefined(string ProjectId, IReadOnlyList<NamedItem> Areas);
