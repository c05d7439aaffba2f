using System.Text.Json.Serialization;

namespace CrdtCollab.Progress.Import;

/// <summary>What an import changed, summed over its chunks (<see cref="ImportResult"/> per chunk).</summary>
public sealed record ImportTotals(
    [property: JsonPropertyName("drawingsAdded")] int DrawingsAdded,
    [property: JsonPropertyName("drawingsUpdated")] int DrawingsUpdated,
    [property: JsonPropertyName("drawingsUnchanged")] int DrawingsUnchanged,
    [property: JsonPropertyName("componentsAdded")] int ComponentsAdded,
    [property: JsonPropertyName("componentsUpdated")] int ComponentsUpdated,
    [property: JsonPropertyName("componentsUnchanged")] int ComponentsUnchanged,
    [property: JsonPropertyName("areasAdded")] int AreasAdded,
    [property: JsonPropertyName("systemsAdded")] int SystemsAdded,
    [property: JsonPropertyName("testPackagesAdded")] int TestPackagesAdded)
{
    /// <summary>Nothing yet.</summary>
    public static readonly ImportTotals None = new(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Whether anything was stored.</summary>
    [JsonPropertyName("changed")]
    public bool Changed => DrawingsAdded + DrawingsUpdated + ComponentsAdded + ComponentsUpdated + AreasAdded + SystemsAdded + TestPackagesAdded > 0;

    /// <summary>These totals plus one chunk's result.</summary>
    public ImportTotals Add(ImportResult r) => new(
        DrawingsAdded + r.DrawingsAdded, DrawingsUpdated + r.DrawingsUpdated, DrawingsUnchanged + r.DrawingsUnchanged,
        ComponentsAdded + r.ComponentsAdded, ComponentsUpdated + r.ComponentsUpdated, ComponentsUnchanged + r.ComponentsUnchanged,
        AreasAdded + r.AreasAdded, SystemsAdded + r.SystemsAdded, TestPackagesAdded + r.TestPackagesAdded);
}
