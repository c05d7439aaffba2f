namespace CrdtCollab.Client.Protocol;

/// <summary>What the hub's <c>Join</c> returns (docs/protocol.md).</summary>
internal sealed class JoinResult
{
    /// <summary>A V1 update with everything the server has that the joining state vector lacks.</summary>
    public byte[] Update { get; set; } = [];

    /// <summary>The server's V1 state vector, against which the client computes what to send back.</summary>
    public byte[] StateVector { get; set; } = [];

    /// <summary>An awareness update of every state the server knows (empty when none).</summary>
    public byte[] Awareness { get; set; } = [];

    /// <summary>The user's role on the document (<c>viewer</c>, <c>commenter</c>, <c>editor</c>, <c>owner</c>); null from a server without roles.</summary>
    public string? Role { get; set; }
}
