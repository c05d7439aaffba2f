namespace CrdtCollab.Progress.Domain;

/// <summary>
/// A milestone's value changed in a drawing's CRDT document, as seen by the bridge after a
/// committed update. Appended in the transaction that advances the bridge's checkpoint.
/// </summary>
/// <param name="ProjectId">Project.</param>
/// <param name="DrawingId">Drawing.</param>
/// <param name="ComponentId">Component.</param>
/// <param name="Milestone">Milestone name.</param>
/// <param name="From">Value before (0–100).</param>
/// <param name="To">Value after (0–100).</param>
/// <param name="User">The committed update's user id, if known.</param>
/// <param name="At">The committed update's timestamp.</param>
/// <param name="SourcePosition">Global position of the update in the CRDT log (traceability; one update can change several milestones).</param>
public sealed record MilestoneProgressChanged(
    string ProjectId, string DrawingId, string ComponentId, string Milestone, double From, double To, string? User, DateTimeOffset At, long SourcePosition);
