namespace CrdtCollab.Crdt.Protocols;

/// <summary>What awareness remembers about a client besides its state.</summary>
/// <param name="Clock">The client's awareness clock; only a higher clock replaces a state.</param>
/// <param name="LastUpdated">When the entry was last accepted, in Unix milliseconds of the local clock.</param>
public readonly record struct AwarenessMeta(long Clock, long LastUpdated);
