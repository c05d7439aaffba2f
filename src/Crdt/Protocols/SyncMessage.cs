namespace CrdtCollab.Crdt.Protocols;

/// <summary>A decoded sync message: its type and its payload (a V1 state vector or a V1 update).</summary>
/// <param name="Type">Which of the three sync messages this is.</param>
/// <param name="Payload">The state vector (SyncStep1) or update (SyncStep2, Update) bytes.</param>
public readonly record struct SyncMessage(SyncMessageType Type, byte[] Payload);
