namespace CrdtCollab.Host.Endpoints.Hub;

/// <summary>The answer to <c>Update</c>, sent only after the update is committed.</summary>
/// <param name="Stored">False when the update added nothing new (it was not stored again).</param>
/// <param name="Version">The document's stream version once this update is saved.</param>
public sealed record UpdateAck(bool Stored, long Version);
