using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt;

public sealed partial class YDoc
{
    /// <summary>The document's current version (yjs's <c>Y.snapshot(doc)</c>).</summary>
    public YSnapshot GetSnapshot() => new(DeleteSet.FromStore(Store), Store.GetStateVector());

    /// <summary>
    /// A new document holding this document as it was at <paramref name="snapshot"/> (yjs's
    /// <c>createDocFromSnapshot</c>): <see cref="EncodeStateFromSnapshot(YSnapshot)"/> applied to
    /// <paramref name="newDoc"/> (a new document when null) with origin <c>"snapshot"</c>.
    /// Garbage collection must be off in this document, or deleted content would be missing.
    /// </summary>
    public YDoc CreateDocFromSnapshot(YSnapshot snapshot, YDoc? newDoc = null)
    {
        var update = EncodeStateFromSnapshot(snapshot);
        newDoc ??= new YDoc();
        newDoc.ApplyUpdate(update, "snapshot");
        return newDoc;
    }

    /// <summary>
    /// The V1 update that recreates the document as it was at <paramref name="snapshot"/>: every
    /// client's structs up to the snapshot's clock (split there) and the snapshot's delete set —
    /// the update yjs's <c>createDocFromSnapshot</c> builds. Garbage collection must be off.
    /// </summary>
    public byte[] EncodeStateFromSnapshot(YSnapshot snapshot) => EncodeSnapshotState(snapshot, v2: false);

    /// <summary>As <see cref="EncodeStateFromSnapshot(YSnapshot)"/>, in update format V2 (byte for byte what yjs builds).</summary>
    public byte[] EncodeStateFromSnapshotV2(YSnapshot snapshot) => EncodeSnapshotState(snapshot, v2: true);

    private byte[] EncodeSnapshotState(YSnapshot snapshot, bool v2)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (Gc)
        {
            throw new InvalidOperationException("Garbage collection must be disabled in the origin document to restore a snapshot.");
        }
        foreach (var (client, clock) in snapshot.OrderedStateVector)
        {
            if (clock > Store.GetState(client))
            {
                throw new ArgumentException($"The snapshot has client {client} at clock {clock}, beyond this document's {Store.GetState(client)}.", nameof(snapshot));
            }
        }
        byte[] result = [];
        // The structs are split at the snapshot's clocks in a transaction of this document, whose
        // clean-up merges them again (as in yjs); nothing is inserted or deleted, so nothing is emitted.
        Transact(transaction =>
        {
            var runs = new List<(Internal.StructList Structs, int Count)>();
            foreach (var (client, clock) in snapshot.OrderedStateVector)
            {
                if (clock == 0)
                {
                    continue;
                }
                if (clock < Store.GetState(client))
                {
                    Store.GetItemCleanStart(transaction, new Id(client, clock));
                }
                var structs = Store.GetClient(client);
                runs.Add((structs, structs.FindIndex(clock - 1) + 1));
            }
            if (v2)
            {
                using var encoder = new UpdateEncoderV2();
                foreach (var (structs, count) in runs)
                {
                    for (int i = 0; i < count; i++)
                    {
                        encoder.WriteStruct(structs[i], 0);
                    }
                }
                result = encoder.Finish(snapshot.Deletes);
                return;
            }
            using var writer = new Lib0Writer();
            writer.WriteVarUint(runs.Count);
            foreach (var (structs, count) in runs)
            {
                writer.WriteVarUint(count);
                writer.WriteVarUint(structs[0].Client);
                writer.WriteVarUint(0);
                for (int i = 0; i < count; i++)
                {
                    UpdateEncoder.WriteStruct(writer, structs[i], 0);
                }
            }
            snapshot.Deletes.Write(writer);
            result = writer.ToArray();
        });
        return result;
    }
}
