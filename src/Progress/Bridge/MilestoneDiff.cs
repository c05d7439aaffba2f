using CrdtCollab.Progress.Documents;
using CrdtCollab.Progress.Domain;
using CrdtCollab.Progress.Projections;

namespace CrdtCollab.Progress.Bridge;

/// <summary>
/// What one committed update changed, milestone by milestone: compares the document's values after
/// the update with the domain's current values (the baseline) and updates the baseline.
/// </summary>
internal static class MilestoneDiff
{
    /// <summary>
    /// Every milestone of every component of <paramref name="drawing"/> is compared, not only the
    /// keys the update touched, so a value written before its component was imported takes effect
    /// at the drawing's next update. Rejections and ignored keys are counted only where the update
    /// changed the raw value, so one bad value is counted once.
    /// </summary>
    public static void Compute(
        DrawingProgress drawing,
        IReadOnlyDictionary<string, List<MilestoneDefinition>> templates,
        Dictionary<(string Component, string Milestone), object?> before,
        Dictionary<(string Component, string Milestone), object?> after,
        List<(string Component, string Milestone, double From, double To)> changes,
        BridgeCounters counters)
    {
        foreach (var (componentId, component) in drawing.Components)
        {
            if (!templates.TryGetValue(component.Type, out var template))
            {
                continue;
            }
            foreach (var milestone in template)
            {
                var key = (componentId, milestone.Name);
                after.TryGetValue(key, out var raw);
                if (!MilestoneValues.TryRead(raw, milestone.Kind, out var value))
                {
                    if (!before.TryGetValue(key, out var old) || !Equals(old, raw))
                    {
                        counters.Rejected++;
                    }
                    continue;
                }
                var current = component.Milestones.GetValueOrDefault(milestone.Name);
                if (value != current)
                {
                    changes.Add((componentId, milestone.Name, current, value));
                    component.Milestones[milestone.Name] = value;
                }
            }
        }
        foreach (var (key, raw) in after)
        {
            if (before.TryGetValue(key, out var old) && Equals(old, raw))
            {
                continue;
            }
            if (!drawing.Components.TryGetValue(key.Component, out var component)
                || !templates.TryGetValue(component.Type, out var template)
                || !template.Exists(m => m.Name == key.Milestone))
            {
                counters.Ignored++;
            }
        }
    }
}
