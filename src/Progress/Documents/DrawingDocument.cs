using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Progress.Documents;

/// <summary>
/// The layout of a drawing's CRDT document and helpers to read and write it. The root map
/// <see cref="ComponentsRoot"/> maps a component id to a nested map from milestone name to a number
/// (0–100). Two crews editing different milestones, or different components, merge without loss;
/// two concurrent writes of the same milestone are won by one (Yjs map semantics: the higher client id).
/// </summary>
/// <remarks>
/// A component's nested map must be created once: two replicas that both create the map of the same
/// component concurrently each write the key <c>componentId</c>, and one map (with the milestones set
/// in it) replaces the other. Clients therefore create a component's map only when it is absent after
/// the initial sync (<see cref="SetMilestone"/> does that), and <see cref="Seed"/> lets an importer
/// create all maps up front.
/// </remarks>
public static class DrawingDocument
{
    /// <summary>Name of the root map: component id → milestone map.</summary>
    public const string ComponentsRoot = "components";

    /// <summary>Sets a milestone value, creating the component's map when it does not exist yet.</summary>
    public static void SetMilestone(YDoc doc, string componentId, string milestone, double value)
    {
        ArgumentNullException.ThrowIfNull(doc);
        doc.Transact(_ =>
        {
            var components = doc.GetMap(ComponentsRoot);
            if (components.Get(componentId) is not YMap milestones)
            {
                milestones = new YMap();
                components.Set(componentId, milestones);
            }
            milestones.Set(milestone, value);
        });
    }

    /// <summary>Creates an empty milestone map for every listed component that has none.</summary>
    public static void Seed(YDoc doc, IEnumerable<string> componentIds)
    {
        ArgumentNullException.ThrowIfNull(doc);
        ArgumentNullException.ThrowIfNull(componentIds);
        doc.Transact(_ =>
        {
            var components = doc.GetMap(ComponentsRoot);
            foreach (var id in componentIds)
            {
                if (components.Get(id) is not YMap)
                {
                    components.Set(id, new YMap());
                }
            }
        });
    }

    /// <summary>
    /// Every raw value in the document, as stored: (component, milestone) → value. Entries whose
    /// component value is not a map are skipped (they have no milestones).
    /// </summary>
    public static Dictionary<(string Component, string Milestone), object?> ReadRaw(YDoc doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var result = new Dictionary<(string, string), object?>();
        var components = doc.GetMap(ComponentsRoot);
        foreach (var componentId in components.Keys)
        {
            if (components.Get(componentId) is not YMap milestones)
            {
                continue;
            }
            foreach (var milestone in milestones.Keys)
            {
                result[(componentId, milestone)] = milestones.Get(milestone);
            }
        }
        return result;
    }

    /// <summary>The raw value of one milestone, or null when absent.</summary>
    public static object? ReadRaw(YDoc doc, string componentId, string milestone)
    {
        ArgumentNullException.ThrowIfNull(doc);
        return doc.GetMap(ComponentsRoot).Get(componentId) is YMap milestones ? milestones.Get(milestone) : null;
    }
}
