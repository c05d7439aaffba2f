namespace CrdtCollab.Host.Endpoints.Hocuspocus;

/// <summary>The message types of the @hocuspocus/provider 4.x dialect (after the document name).</summary>
internal enum HocuspocusMessageType
{
    Sync = 0,
    Awareness = 1,
    Auth = 2,
    QueryAwareness = 3,
    Stateless = 5,
    BroadcastStateless = 6,
    Close = 7,
    SyncStatus = 8,
    Ping = 9,
    Pong = 10,
}
