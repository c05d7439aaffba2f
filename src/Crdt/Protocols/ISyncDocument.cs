namespace CrdtCollab.Crdt.Protocols;

/// <summary>
/// What the sync protocol needs from a document. All byte arrays are in the V1 format, which is
/// the only format y-protocols sync messages carry.
/// </summary>
public interface ISyncDocument
{
    /// <summary>Encodes the document's state vector.</summary>
    /// <returns>The V1 state vector.</returns>
    byte[] EncodeStateVector();

    /// <summary>Encodes everything the holder of <paramref name="stateVector"/> is missing.</summary>
    /// <param name="stateVector">The remote V1 state vector (empty or <c>00</c> for "everything").</param>
    /// <returns>A V1 update.</returns>
    byte[] EncodeStateAsUpdate(ReadOnlySpan<byte> stateVector);

    /// <summary>Applies a V1 update in one transaction with the given origin.</summary>
    /// <param name="update">The V1 update bytes.</param>
    /// <param name="origin">The transaction origin (typically the connection it came from).</param>
    void ApplyUpdate(ReadOnlySpan<byte> update, object? origin);
}
