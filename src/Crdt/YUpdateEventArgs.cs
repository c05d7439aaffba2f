namespace CrdtCollab.Crdt;

/// <summary>The update a finished transaction produced: format V1 for <see cref="YDoc.UpdateV1"/>, V2 for <see cref="YDoc.UpdateV2"/>.</summary>
public sealed class YUpdateEventArgs : EventArgs
{
    internal YUpdateEventArgs(byte[] update, object? origin, bool isLocal)
    {
        Update = update;
        Origin = origin;
        IsLocal = isLocal;
    }

    /// <summary>The update: structs the transaction added and the ranges it deleted.</summary>
    public byte[] Update { get; }

    /// <summary>The transaction's origin (the value passed to Transact or ApplyUpdate).</summary>
    public object? Origin { get; }

    /// <summary>False when the transaction applied a remote update.</summary>
    public bool IsLocal { get; }
}
