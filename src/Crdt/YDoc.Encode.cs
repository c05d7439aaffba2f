using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt;

public sealed partial class YDoc
{
    /// <summary>
    /// Encodes what a peer with <paramref name="stateVector"/> lacks (everything when
    /// empty) as one V1 update, with the whole delete set and any pending data, exactly as Yjs.
    /// </summary>
    public byte[] EncodeStateAsUpdate(ReadOnlySpan<byte> stateVector = default)
    {
        var target = StateVectorCodec.Read(stateVector);
        byte[] state;
        using (var writer = new Lib0Writer(1024))
        {
            UpdateEncoder.WriteStructsFromStore(writer, Store, target);
            DeleteSet.FromStore(Store).Write(writer);
            state = writer.ToArray();
        }
        if (Store.PendingDeletes is null && Store.Pending is null)
        {
            return state;
        }
        var parts = new List<byte[]> { state };
        if (Store.PendingDeletes is { } pendingDs)
        {
            using var writer = new Lib0Writer();
            writer.WriteVarUint(0);
            pendingDs.Write(writer);
            parts.Add(writer.ToArray());
        }
        if (Store.Pending is { } pending)
        {
            parts.Add(UpdateMerger.Diff(pending.Update, stateVector.IsEmpty ? [0] : stateVector));
        }
        return UpdateMerger.Merge(parts);
    }

    /// <summary>
    /// <see cref="EncodeStateAsUpdate"/> in update format V2 (yjs's <c>encodeStateAsUpdateV2</c>);
    /// the state vector is in the V1 format, as always.
    /// </summary>
    public byte[] EncodeStateAsUpdateV2(ReadOnlySpan<byte> stateVector = default)
    {
        var target = StateVectorCodec.Read(stateVector);
        byte[] state;
        using (var encoder = new UpdateEncoderV2())
        {
            // Written from the store, not converted from V1: yjs keeps BIT6 (parentSub) on items
            // with an origin here, which any re-encoding of decoded bytes drops.
            encoder.WriteStructsFromStore(Store, target);
            state = encoder.Finish(DeleteSet.FromStore(Store));
        }
        if (Store.PendingDeletes is null && Store.Pending is null)
        {
            return state;
        }
        var parts = new List<byte[]> { state };
        if (Store.PendingDeletes is { } pendingDs)
        {
            using var encoder = new UpdateEncoderV2();
            parts.Add(encoder.Finish(pendingDs));
        }
        if (Store.Pending is { } pending)
        {
            parts.Add(UpdateFormatV2.FromV1(UpdateMerger.Diff(pending.Update, stateVector.IsEmpty ? [0] : stateVector)));
        }
        return YUpdate.MergeUpdatesV2(parts);
    }

    /// <summary>The state vector (client → next expected clock), in descending client order. Pending data is not included.</summary>
    public byte[] EncodeStateVector() => StateVectorCodec.Write(Store.GetStateVector());

    /// <summary>The state vector as a dictionary.</summary>
    public IReadOnlyDictionary<long, long> GetStateVector() => Store.GetStateVector();

    /// <summary>
    /// True while the document holds structs or deletions whose dependencies have not arrived
    /// (Yjs's <c>store.pendingStructs</c> / <c>pendingDs</c>). A server uses it to tell an update
    /// that changed nothing visible but must still be kept from one that added nothing at all.
    /// </summary>
    public bool HasPendingUpdates => Store.Pending is not null || Store.PendingDeletes is not null;

    /// <summary>
    /// A measure of the pending data: the pending structs' encoded size plus the pending deleted
    /// length. It changes when an update adds something that must wait, and stays put when an
    /// update only repeats what is already pending (pending data is merged and normalised).
    /// </summary>
    public long PendingSize
    {
        get
        {
            long size = Store.Pending?.Update.Length ?? 0;
            if (Store.PendingDeletes is { } ds)
            {
                foreach (var ranges in ds.Clients.Values)
                {
                    foreach (var r in ranges)
                    {
                        size += r.Length;
                    }
                }
            }
            return size;
        }
    }
}
