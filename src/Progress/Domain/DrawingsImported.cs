namespace CrdtCollab.Progress.Domain;

/// <summary>Drawings were imported: new ones, or ones whose title/area/system changed (upsert by id).</summary>
public sealed record DrawingsImported(string ProjectId, IReadOnlyList<DrawingSpec> Drawings);
