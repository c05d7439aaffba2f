namespace CrdtCollab.Client.Protocol;

/// <summary>What the hub's <c>Sync</c> returns: the exchange of <c>Join</c> without awareness.</summary>
internal sealed class SyncResult
{
    /// <summary>A V1 update with everything the server has that the given state vector lacks.</summary>
    public byte[] Update { get; set; } = [];

    /// <summary>The server's V1 state vector.</summary>
    public byte[] StateVector { get; set; } = [];
}
