using System.ComponentModel.DataAnnotations;

namespace CrdtCollab.Host.Security;

/// <summary>Abuse limits (section <c>Limits</c>); each violation gets a specific error and a log line.</summary>
public sealed class SecurityLimits
{
    public const string Section = "Limits";

    /// <summary>Document updates a connection may send per second, sustained… (a fast typist sends ~15).</summary>
    [Range(0.1, 1_000_000)]
    public double UpdatesPerSecond { get; set; } = 100;

    /// <summary>…and in a burst (a reconnect's resync plus a paste).</summary>
    [Range(1, 1_000_000)]
    public double UpdateBurst { get; set; } = 500;

    /// <summary>Awareness messages per second (cursor moves are throttled by providers to a few per second).</summary>
    [Range(0.1, 1_000_000)]
    public double AwarenessPerSecond { get; set; } = 30;

    [Range(1, 1_000_000)]
    public double AwarenessBurst { get; set; } = 100;

    /// <summary>Open document sessions per user on this node (tabs × documents).</summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionsPerUser { get; set; } = 100;

    /// <summary>Open sessions per document on this node.</summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionsPerDocument { get; set; } = 1_000;

    /// <summary>HTTP requests (REST, negotiate, upgrades) per client address per minute.</summary>
    [Range(1, 10_000_000)]
    public int HttpRequestsPerMinute { get; set; } = 1_200;

    /// <summary>Origins allowed to call the REST API and hub from another site (none by default: same origin only).</summary>
    public string[] CorsOrigins { get; set; } = [];
}
