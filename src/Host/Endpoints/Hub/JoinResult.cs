namespace CrdtCollab.Host.Endpoints.Hub;

/// <summary>The answer to <c>Join</c> (docs/protocol.md).</summary>
/// <param name="Update">Everything the server has that the client's state vector lacks.</param>
/// <param name="StateVector">The server's state vector: the client sends what it lacks.</param>
/// <param name="Awareness">An awareness update of every state the server knows (empty when none).</param>
public sealed record JoinResult(byte[] Update, byte[] StateVector, byte[] Awareness)
{
    /// <summary>The user's role on the document: <c>viewer</c>, <c>commenter</c>, <c>editor</c> or <c>owner</c>.</summary>
    public string Role { get; init; } = "editor";
}
