using System.ComponentModel.DataAnnotations;

namespace CrdtCollab.Host.ScaleOut;

/// <summary>
/// The <c>Redis</c> configuration section. Without <see cref="Configuration"/> the server is a
/// single node and never touches Redis (the default).
/// </summary>
public sealed class ScaleOutOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis connection string (<c>127.0.0.1:6379</c>); null or empty = single node.</summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every channel; defaults to <c>crdtcollab:{Sync:Schema}:</c>, so deployments on one Redis stay apart.</summary>
    public string? ChannelPrefix { get; set; }

    /// <summary>How often every live document compares its log position with the log's head and reads what it missed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan CatchUpInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After Redis comes back (or a gap in a peer's sequence), a second catch-up runs this much
    /// later: updates the peers accepted while the messages were lost are committed by then.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// SignalR's Redis backplane (on by default). Document fan-out does not need it (every hub
    /// send of ours goes to a connection of the same node), but with it a hub connection also
    /// needs Redis to start: off keeps SignalR joins working while Redis is away.
    /// </summary>
    public bool SignalRBackplane { get; set; } = true;

    /// <summary>How long a subscribe may take before the document is served without it (the periodic check retries).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan SubscribeTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
