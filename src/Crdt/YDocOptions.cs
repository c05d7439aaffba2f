namespace CrdtCollab.Crdt;

/// <summary>Options for a new <see cref="YDoc"/>.</summary>
public sealed class YDocOptions
{
    /// <summary>The client id for local edits; random 32-bit when null (as Yjs). Never reuse one across live replicas.</summary>
    public long? ClientId { get; init; }

    /// <summary>Garbage-collect deleted content (default true). Turn off to keep history for versions.</summary>
    public bool Gc { get; init; } = true;

    /// <summary>The document's guid; a random one when null.</summary>
    public string? Guid { get; init; }
}
