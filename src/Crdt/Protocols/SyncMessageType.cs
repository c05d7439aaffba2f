namespace CrdtCollab.Crdt.Protocols;

/// <summary>The y-protocols sync message types (spec §8.1). The numbers are on the wire.</summary>
public enum SyncMessageType
{
    /// <summary>Carries the sender's state vector; the receiver answers with <see cref="SyncStep2"/>.</summary>
    SyncStep1 = 0,

    /// <summary>Carries the update the receiver of a SyncStep1 computed from its state vector.</summary>
    SyncStep2 = 1,

    /// <summary>Carries an incremental update as it happens.</summary>
    Update = 2,
}
