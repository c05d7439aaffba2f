namespace CrdtCollab.EventStore;

/// <summary>
/// The shared type of a document root. Yjs updates do not say which type a root is, so whoever
/// renders or restores a version must declare it.
/// </summary>
public enum DocumentRootKind
{
    /// <summary>A <c>Y.Text</c> root.</summary>
    Text,

    /// <summary>A <c>Y.Map</c> root.</summary>
    Map,

    /// <summary>A <c>Y.Array</c> root.</summary>
    Array,
}
