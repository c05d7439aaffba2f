namespace CrdtCollab.Progress.Domain;

/// <summary>A drawing as imported: where it sits in the project.</summary>
/// <param name="DrawingId">Stable id, unique in the project.</param>
/// <param name="Title">Display title.</param>
/// <param name="AreaId">The area it belongs to.</param>
/// <param name="SystemId">The system it belongs to.</param>
public sealed record DrawingSpec(string DrawingId, string Title, string AreaId, string SystemId);
