namespace CrdtCollab.Progress.Bridge;

/// <summary>
/// What the bridge has seen since it started (metrics; a batch that rolls back and is redone is
/// counted twice).
/// </summary>
public sealed class BridgeCounters
{
    /// <summary>Committed updates of drawing documents applied.</summary>
    public long Updates { get; set; }

    /// <summary><c>MilestoneProgressChanged</c> events appended.</summary>
    public long Changes { get; set; }

    /// <summary>Values of known milestones that were invalid (text, out of range, partial on a checkbox): no event.</summary>
    public long Rejected { get; set; }

    /// <summary>Values for components or milestones the drawing does not have: no event.</summary>
    public long Ignored { get; set; }

    /// <summary>Updates that could not be decoded: skipped.</summary>
    public long Malformed { get; set; }

    /// <summary>Drawing replicas rebuilt from the update log (cold cache, restart, redelivery).</summary>
    public long ColdLoads { get; set; }

    /// <summary>A copy for reporting.</summary>
    public BridgeCounters Snapshot() => (BridgeCounters)MemberwiseClone();
}
