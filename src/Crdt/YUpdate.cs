using CrdtCollab.Crdt.Internal;

namespace CrdtCollab.Crdt;

/// <summary>Operations on V1 update bytes without a document, byte-identical to Yjs.</summary>
public static class YUpdate
{
    /// <summary>The empty update (no structs, empty delete set).</summary>
    public static ReadOnlySpan<byte> Empty => [0, 0];

    /// <summary>One update equivalent to applying all <paramref name="updates"/> (a single input is returned as is).</summary>
    public static byte[] MergeUpdates(IReadOnlyList<byte[]> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        return UpdateMerger.Merge(updates);
    }

    /// <summary>The part of <paramref name="update"/> that the holder of <paramref name="stateVector"/> lacks (the delete set is kept whole).</summary>
    public static byte[] DiffUpdate(ReadOnlySpan<byte> update, ReadOnlySpan<byte> stateVector) =>
        UpdateMerger.Diff(update, stateVector.IsEmpty ? [0] : stateVector);

    /// <summary>The state vector that an update brings a fresh document to (runs must start at clock 0 to count).</summary>
    public static byte[] EncodeStateVectorFromUpdate(ReadOnlySpan<byte> update) => UpdateMerger.StateVectorFromUpdate(update);

    /// <summary>Decodes a state vector.</summary>
    public static IReadOnlyDictionary<long, long> DecodeStateVector(ReadOnlySpan<byte> stateVector) => StateVectorCodec.Read(stateVector);

    /// <summary>Encodes a state vector (descending client order).</summary>
    public static byte[] EncodeStateVector(IReadOnlyDictionary<long, long> stateVector) => StateVectorCodec.Write(stateVector);
}
