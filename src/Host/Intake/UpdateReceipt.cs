namespace CrdtCollab.Host.Intake;

/// <summary>An accepted update, once saved: whether it added anything, and the document's version then.</summary>
internal readonly record struct UpdateReceipt(bool Stored, long Version);
