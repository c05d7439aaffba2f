using CrdtCollab.Crdt.Internal;

namespace CrdtCollab.Crdt;

/// <summary>Operations on update bytes (format V1, and V2 where the name says so) without a document, byte-identical to Yjs.</summary>
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

    /// <summary>The empty V2 update (no structs, empty delete set).</summary>
    public static ReadOnlySpan<byte> EmptyV2 => [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];

    /// <summary>
    /// <see cref="MergeUpdates"/> for V2 updates (yjs's <c>mergeUpdatesV2</c>; a single input is
    /// returned as is). Malformed input raises <see cref="UpdateFormatException"/>.
    /// </summary>
    public static byte[] MergeUpdatesV2(IReadOnlyList<byte[]> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        if (updates.Count == 1)
        {
            return updates[0];
        }
        var v1 = new byte[updates.Count][];
        for (int i = 0; i < v1.Length; i++)
        {
            v1[i] = UpdateFormatV2.ToV1(updates[i], asYjsConverts: false);
        }
        return UpdateFormatV2.FromV1(UpdateMerger.Merge(v1));
    }

    /// <summary><see cref="DiffUpdate"/> for a V2 update (yjs's <c>diffUpdateV2</c>); the state vector is in the V1 format, as always.</summary>
    public static byte[] DiffUpdateV2(ReadOnlySpan<byte> update, ReadOnlySpan<byte> stateVector) =>
        UpdateFormatV2.FromV1(DiffUpdate(UpdateFormatV2.ToV1(update, asYjsConverts: false), stateVector));

    /// <summary><see cref="EncodeStateVectorFromUpdate"/> for a V2 update (yjs's <c>encodeStateVectorFromUpdateV2</c>).</summary>
    public static byte[] EncodeStateVectorFromUpdateV2(ReadOnlySpan<byte> update) =>
        UpdateMerger.StateVectorFromUpdate(UpdateFormatV2.ToV1(update, asYjsConverts: false));

    /// <summary>Re-encodes a V1 update in format V2 (yjs's <c>convertUpdateFormatV1ToV2</c>).</summary>
    public static byte[] ConvertUpdateFormatV1ToV2(ReadOnlySpan<byte> update) => UpdateFormatV2.FromV1(update);

    /// <summary>Re-encodes a V2 update in format V1 (yjs's <c>convertUpdateFormatV2ToV1</c>).</summary>
    public static byte[] ConvertUpdateFormatV2ToV1(ReadOnlySpan<byte> update) => UpdateFormatV2.ToV1(update, asYjsConverts: true);
}
