using Microsoft.Extensions.Logging;

namespace CrdtCollab.Client;

/// <summary>Settings of a <see cref="SyncClient"/>. Every property has a working default.</summary>
public sealed class SyncClientOptions
{
    /// <summary>The hub protocol; JSON by default.</summary>
    public SyncClientProtocol Protocol { get; init; } = SyncClientProtocol.Json;

    /// <summary>The hub's path on the server; <c>/hubs/sync</c> by default.</summary>
    public string HubPath { get; init; } = "/hubs/sync";

    /// <summary>
    /// Supplies the bearer token (a JWT from the server's issuer; in the embedded default from
    /// <c>POST /auth/dev-token</c>). It is called on every connection attempt, including each
    /// reconnect, so return a fresh token when the old one is about to expire. SignalR sends it
    /// as the <c>Authorization</c> header on HTTP requests and as the <c>access_token</c> query
    /// parameter on WebSockets. Null sends none, which a server with authentication refuses (401),
    /// and the client keeps retrying.
    /// </summary>
    public Func<Task<string?>>? AccessTokenProvider { get; init; }

    /// <summary>
    /// Waits before each reconnect attempt: the first entry after the first failure, the next
    /// after the second, and the last one for every attempt after that, so the client never gives
    /// up. Each delay is jittered by ±20% so that clients dropped together do not return together.
    /// A failed <c>Update</c> (for example <c>not-saved</c>) is retried after the same delays.
    /// </summary>
    public IReadOnlyList<TimeSpan> ReconnectDelays { get; init; } =
    [
        TimeSpan.Zero,
        TimeSpan.FromMilliseconds(250),
        TimeSpan.FromMilliseconds(500),
        TimeSpan.FromSeconds(1),
        TimeSpan.FromSeconds(2),
        TimeSpan.FromSeconds(5),
    ];

    /// <summary>
    /// How often the client asks the server for what it missed (<c>Sync</c>) while connected, as a
    /// safety net for a lost broadcast; null turns the periodic catch-up off. 30 seconds by default.
    /// </summary>
    public TimeSpan? ResyncInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The lock the client takes whenever it touches the document or the awareness. Pass one in to
    /// share it with other code that edits the same document; by default the client makes its own
    /// (see <see cref="SyncClient.SyncRoot"/>).
    /// </summary>
    public Lock? SyncRoot { get; init; }

    /// <summary>Logs for the client and its SignalR connection; null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
