namespace CrdtCollab.Crdt;

/// <summary>
/// A subdocument embedded in an array or map: its guid and the options Yjs stores with it
/// (<c>gc: false</c>, <c>autoLoad: true</c>, <c>meta</c> — only the non-default ones).
/// Its content is a separate document, synchronised on its own.
/// </summary>
public sealed class YSubdocument
{
    /// <summary>Creates a reference with the given guid and options.</summary>
    public YSubdocument(string guid, Dictionary<string, object?>? options = null)
    {
        Guid = guid;
        Options = options ?? [];
    }

    /// <summary>The subdocument's globally unique id.</summary>
    public string Guid { get; }

    /// <summary>The stored options object, in the order Yjs writes them.</summary>
    public Dictionary<string, object?> Options { get; }

    /// <summary>Whether a client should load it right away (<c>shouldLoad || autoLoad</c>).</summary>
    public bool ShouldLoad => Options.TryGetValue("autoLoad", out var v) && v is true
        || Options.TryGetValue("shouldLoad", out var s) && s is true;
}
