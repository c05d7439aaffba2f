using CrdtCollab.Progress.Domain;

namespace CrdtCollab.Progress.Import;

/// <summary>
/// Gives every imported component its milestone map in the drawing's CRDT document, through the
/// sync server, before anyone ticks it.
/// </summary>
/// <remarks>
/// Why: a crew that finds no map for a component creates one. Two crews doing that at the same
/// moment create two maps under one key, and Yjs keeps only one of them, so the other crew's tick is
/// lost. A map that already exists when both crews sync is shared, and their ticks merge per
/// milestone. The import is the one writer that knows every component, so it creates them.
/// </remarks>
public interface IDrawingSeeder
{
    /// <summary>Creates the missing milestone maps for <paramref name="components"/>; maps that exist are left alone.</summary>
    /// <param name="projectId">The project.</param>
    /// <param name="components">Components just imported (any drawings, any order).</param>
    /// <param name="user">Who imported them (stored with the update).</param>
    /// <param name="cancellationToken">Cancels the seeding; maps already stored stay.</param>
    Task SeedAsync(string projectId, IReadOnlyCollection<ComponentSpec> components, string user, CancellationToken cancellationToken);
}
