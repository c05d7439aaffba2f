namespace CrdtCollab.Host.Security;

/// <summary>A connection's token buckets: one for document updates, one for awareness.</summary>
internal sealed class SubscriberLimits(SecurityLimits limits, TimeProvider time)
{
    public TokenBucket Updates { get; } = new(limits.UpdatesPerSecond, limits.UpdateBurst, time);

    public TokenBucket Awareness { get; } = new(limits.AwarenessPerSecond, limits.AwarenessBurst, time);
}
