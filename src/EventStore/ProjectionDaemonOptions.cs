namespace CrdtCollab.EventStore;

/// <summary>Settings of a <see cref="ProjectionDaemon"/>. Defaults are named constants with their reason.</summary>
public sealed record ProjectionDaemonOptions
{
    /// <summary>500 events: big enough to amortize the transaction, small enough to keep each one short.</summary>
    public const int DefaultBatchSize = 500;

    /// <summary>
    /// 1 s: NOTIFY wakes the daemon at once; polling only covers a horizon held back by an unrelated
    /// transaction (whose end sends no notification) or a lost notification.
    /// </summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>2 s: how soon a standby notices that the leader's session is gone.</summary>
    public static readonly TimeSpan DefaultLeaderRetryInterval = TimeSpan.FromSeconds(2);

    /// <summary>1 s: back-off after a lost connection so a down database is not hammered.</summary>
    public static readonly TimeSpan DefaultReconnectDelay = TimeSpan.FromSeconds(1);

    /// <summary>Most events handed to the projection in one transaction.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>Longest wait for a notification before looking again.</summary>
    public TimeSpan PollInterval { get; init; } = DefaultPollInterval;

    /// <summary>How often a standby tries to become the leader.</summary>
    public TimeSpan LeaderRetryInterval { get; init; } = DefaultLeaderRetryInterval;

    /// <summary>Wait after a failure before reconnecting.</summary>
    public TimeSpan ReconnectDelay { get; init; } = DefaultReconnectDelay;
}
