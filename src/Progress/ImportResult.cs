namespace CrdtCollab.Progress;

/// <summary>What an import changed. Importing the same data twice returns all zeros but the unchanged counts.</summary>
public sealed record ImportResult(
    int DrawingsAdded, int DrawingsUpdated, int DrawingsUnchanged,
    int ComponentsAdded, int ComponentsUpdated, int ComponentsUnchanged,
    int AreasAdded, int SystemsAdded, int TestPackagesAdded)
{
    /// <summary>Whether the import appended anything.</summary>
    public bool Changed => DrawingsAdded + DrawingsUpdated + ComponentsAdded + ComponentsUpdated + AreasAdded + SystemsAdded + TestPackagesAdded > 0;
}
