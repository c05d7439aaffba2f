namespace CrdtCollab.Crdt.Protocols;

/// <summary>The client IDs an awareness change touched, and the origin of the change.</summary>
public sealed class AwarenessChangeEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="added">Clients that gained a state.</param>
    /// <param name="updated">Clients whose state was replaced.</param>
    /// <param name="removed">Clients whose state was removed.</param>
    /// <param name="origin">Who caused the change.</param>
    public AwarenessChangeEventArgs(IReadOnlyList<long> added, IReadOnlyList<long> updated, IReadOnlyList<long> removed, object? origin)
    {
        Added = added;
        Updated = updated;
        Removed = removed;
        Origin = origin;
    }

    /// <summary>Clients that gained a state.</summary>
    public IReadOnlyList<long> Added { get; }

    /// <summary>
    /// Clients whose state was replaced. For <see cref="Awareness.Changed"/> only those whose state
    /// differs deeply; for <see cref="Awareness.Updated"/> every accepted entry.
    /// </summary>
    public IReadOnlyList<long> Updated { get; }

    /// <summary>Clients whose state was removed (offline, timed out, or removed by the host).</summary>
    public IReadOnlyList<long> Removed { get; }

    /// <summary>
    /// Who caused the change: <see cref="Awareness.LocalOrigin"/> for local sets,
    /// <see cref="Awareness.TimeoutOrigin"/> for timeouts, otherwise what the caller passed.
    /// </summary>
    public object? Origin { get; }
}
