namespace CrdtCollab.Progress.Domain;

/// <summary>
/// Components were imported: new ones, or ones whose type/test package/description changed
/// (upsert by drawing and component id). Milestone values are not part of an import: they live in
/// the drawing's CRDT document.
/// </summary>
public sealed record ComponentsImported(string ProjectId, IReadOnlyList<ComponentSpec> Components);
