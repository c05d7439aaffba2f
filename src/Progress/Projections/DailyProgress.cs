namespace CrdtCollab.Progress.Projections;

/// <summary>
/// Progress of one scope (drawing, area, system, test package, project) at the end of one UTC day
/// on which something changed (id = <c>{scopeId}@{yyyy-MM-dd}</c>, scope id being a drawing
/// document id or a rollup id). Days without a change have no row: the value carries over.
/// </summary>
public sealed class DailyProgress
{
    /// <summary><c>{scopeId}@{yyyy-MM-dd}</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>Project.</summary>
    public string ProjectId { get; set; } = "";

    /// <summary>One of <see cref="RollupKind"/>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>Drawing/area/system/test package id, or the project id.</summary>
    public string Key { get; set; } = "";

    /// <summary>The UTC day.</summary>
    public DateOnly Day { get; set; }

    /// <summary>Earned weight at the end of the day.</summary>
    public double Earned { get; set; }

    /// <summary>Total weight at the end of the day.</summary>
    public double Total { get; set; }

    /// <summary>Earned / total × 100 at the end of the day.</summary>
    public double Percent { get; set; }

    /// <summary>Earned weight gained that day (negative when milestones were reset).</summary>
    public double EarnedDelta { get; set; }

    /// <summary>Milestone changes that day.</summary>
    public int Changes { get; set; }

    /// <summary>The id of a scope's row for a day.</summary>
    public static string IdFor(string scopeId, DateOnly day) => scopeId + "@" + day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
