namespace CrdtCollab.Progress.Reports;

/// <summary>The progress of one drawing or area at the start and end of the report period (percent by weight, 0-100).</summary>
public sealed record ProgressDelta(string Key, string Name, string Area, double FromPercent, double ToPercent)
{
    /// <summary>Percentage points gained (negative when work was un-ticked).</summary>
    public double Delta => ToPercent - FromPercent;
}
