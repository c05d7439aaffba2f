namespace CrdtCollab.Progress.Domain;

/// <summary>An area or a system of a project.</summary>
/// <param name="Id">Stable id (<see cref="ProgressIds.IsValidItemId"/>).</param>
/// <param name="Name">Display name.</param>
public sealed record NamedItem(string Id, string Name);
