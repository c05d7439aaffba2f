namespace CrdtCollab.Client;

/// <summary>The SignalR hub protocol a <see cref="SyncClient"/> speaks.</summary>
public enum SyncClientProtocol
{
    /// <summary>JSON text frames; binary arguments travel as base64 strings.</summary>
    Json,

    /// <summary>MessagePack binary frames; binary arguments travel as <c>bin</c>, a third smaller than base64.</summary>
    MessagePack,
}
