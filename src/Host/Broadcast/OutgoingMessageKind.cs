namespace CrdtCollab.Host.Broadcast;

/// <summary>What a broadcast carries.</summary>
internal enum OutgoingMessageKind
{
    Update,
    Awareness,
}
