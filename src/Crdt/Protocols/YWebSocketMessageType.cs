namespace CrdtCollab.Crdt.Protocols;

/// <summary>The leading message type of a y-websocket binary frame (spec §8.4).</summary>
public enum YWebSocketMessageType
{
    /// <summary>A sync message (<see cref="SyncProtocol"/>) follows.</summary>
    Sync = 0,

    /// <summary><c>varBytes(awareness update)</c> follows.</summary>
    Awareness = 1,

    /// <summary>An auth message follows: <c>varUint(0) varString(reason)</c> (permission denied).</summary>
    Auth = 2,

    /// <summary>Nothing follows; the receiver answers with the awareness states of all clients it knows.</summary>
    QueryAwareness = 3,
}
