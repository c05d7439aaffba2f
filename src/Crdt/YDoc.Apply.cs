using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Internal.Structs;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt;

public sealed partial class YDoc
{
    /// <summary>
    /// Applies a V1 update from a peer. Out-of-order structs and deletions are kept as pending
    /// until their dependencies arrive. Malformed input raises <see cref="UpdateFormatException"/>
    /// and leaves the document exactly as it was (the whole update is decoded and validated first).
    /// </summary>
    public void ApplyUpdate(ReadOnlySpan<byte> update, object? origin = null)
    {
        // The decode containers are taken for the duration of the call (a nested ApplyUpdate,
        // from an update observer, gets new ones) and handed back before the clean-up runs.
        var buffers = _decodeBuffers ?? new DecodeBuffers();
        _decodeBuffers = null;
        List<StructRun> runs;
        DeleteSet ds;
        try
        {
            var reader = new Lib0Reader(update);
            runs = UpdateDecoder.ReadRuns(ref reader, buffers);
            ds = DeleteSet.Read(ref reader, buffers.DeleteSet);
        }
        catch
        {
            ReturnDecodeBuffers(buffers);
            throw;
        }
        var transaction = BeginTransaction(origin, local: false, out bool owned);
        try
        {
            // A full state into an empty document loads in one go. The loader needs a
            // transaction of its own (its clean-up skips passes on that basis); when it declines
            // it may have changed the decoded structs, so they are decoded again.
            // Observers read the items as yjs has them before its clean-up collects and merges.
            if (owned && !TracksChanges && FullStateLoader.MayApply(Store, runs))
            {
                if (FullStateLoader.TryLoad(transaction, Store, runs[0], ds))
                {
                    return;
                }
                buffers.Release();
                var again = new Lib0Reader(update);
                runs = UpdateDecoder.ReadRuns(ref again, buffers);
                ds = DeleteSet.Read(ref again, buffers.DeleteSet);
            }
            ApplyDecoded(transaction, runs, ds, buffers);
        }
        finally
        {
            ReturnDecodeBuffers(buffers);
            EndTransaction(owned);
        }
    }

    /// <summary>
    /// Applies a V2 update from a peer (yjs's <c>applyUpdateV2</c>), with the same guarantees as
    /// <see cref="ApplyUpdate"/>: malformed input raises <see cref="UpdateFormatException"/> and
    /// leaves the document unchanged (the whole update is decoded and validated first).
    /// </summary>
    public void ApplyUpdateV2(ReadOnlySpan<byte> update, object? origin = null) =>
        ApplyUpdate(UpdateFormatV2.ToV1(update, asYjsConverts: false), origin);

    private DecodeBuffers? _decodeBuffers;

    private void ReturnDecodeBuffers(DecodeBuffers buffers)
    {
        buffers.Release();
        _decodeBuffers = buffers;
    }

    private void ApplyDecoded(YTransaction transaction, List<StructRun> runs, DeleteSet ds, DecodeBuffers? buffers)
    {
        PendingStructs? rest = null;
        if (runs.Count > 1 || (runs.Count == 1 && !StructIntegrator.TryIntegrateInOrder(transaction, Store, runs[0], buffers)))
        {
            var queues = new Dictionary<long, StructQueue>(runs.Count);
            foreach (var run in runs)
            {
                // Like Yjs, a later run of the same client replaces an earlier one.
                queues[run.Client] = new StructQueue(run.Structs);
            }
            rest = StructIntegrator.Integrate(transaction, Store, queues);
        }
        bool retry = false;
        if (Store.Pending is { } pending)
        {
            foreach (var (client, clock) in pending.Missing)
            {
                if (clock < Store.GetState(client))
                {
                    retry = true;
                    break;
                }
            }
            if (rest is not null)
            {
                foreach (var (client, clock) in rest.Missing)
                {
                    if (!pending.Missing.TryGetValue(client, out long m) || m > clock)
                    {
                        pending.Missing[client] = clock;
                    }
                }
                pending.Update = UpdateMerger.Merge([pending.Update, rest.Update]);
            }
        }
        else
        {
            Store.Pending = rest;
        }
        var unapplied = ds.IsEmpty ? null : ApplyDeleteSet(transaction, ds);
        if (Store.PendingDeletes is { } pendingDs)
        {
            var unapplied2 = ApplyDeleteSet(transaction, pendingDs);
            Store.PendingDeletes = MergeDeleteSets(unapplied, unapplied2);
        }
        else
        {
            Store.PendingDeletes = unapplied;
        }
        if (retry)
        {
            var update = Store.Pending!.Update;
            Store.Pending = null;
            var reader = new Lib0Reader(update);
            var pendingRuns = UpdateDecoder.ReadRuns(ref reader);
            var pendingDeletes = DeleteSet.Read(ref reader);
            ApplyDecoded(transaction, pendingRuns, pendingDeletes, null);
        }
    }

    private static DeleteSet? MergeDeleteSets(DeleteSet? a, DeleteSet? b)
    {
        if (a is null || b is null)
        {
            return a ?? b;
        }
        foreach (var (client, ranges) in b.Clients)
        {
            foreach (var r in ranges)
            {
                a.Add(client, r.Clock, r.Length);
            }
        }
        a.SortAndMerge();
        return a;
    }

    /// <summary>Deletes the ranges this document has; returns the ranges it does not have yet (or null).</summary>
    private DeleteSet? ApplyDeleteSet(YTransaction transaction, DeleteSet ds)
    {
        DeleteSet? unapplied = null;
        foreach (var (client, ranges) in ds.Clients)
        {
            var structs = Store.TryGetClient(client);
            long state = Store.GetState(client);
            foreach (var range in ranges)
            {
                long clock = range.Clock;
                long end = range.End;
                if (clock < state)
                {
                    if (state < end)
                    {
                        (unapplied ??= new DeleteSet()).Add(client, state, end - state);
                    }
                    int index = structs!.FindIndex(clock);
                    var s = structs![index];
                    if (end - clock == 1 && s is Item { Parent: YText { ContainsFormats: false } text } item
                        && EdgeDelete.TryAt(transaction, text, item, (int)(clock - item.Clock)) is not null)
                    {
                        // A peer's backspace beside a run deleted earlier, in place as for local
                        // edits. Only in text without formatting: the formatting clean-up of a
                        // remote transaction looks at the deleted items before Yjs merges them.
                        // Remote edits do not shift the cached positions.
                        text.InvalidateMarker();
                        continue;
                    }
                    if (!s.Deleted && s.Clock < clock)
                    {
                        structs.Insert(index + 1, ItemOps.Split(transaction, (Item)s, (int)(clock - s.Clock)));
                        index++;
                    }
                    while (index < structs.Count)
                    {
                        s = structs[index++];
                        if (s.Clock >= end)
                        {
                            break;
                        }
                        if (!s.Deleted)
                        {
                            if (end < s.Clock + s.Length)
                            {
                                structs.Insert(index, ItemOps.Split(transaction, (Item)s, (int)(end - s.Clock)));
                            }
                            ((Item)s).Delete(transaction);
                        }
                    }
                }
                else
                {
                    (unapplied ??= new DeleteSet()).Add(client, clock, end - clock);
                }
            }
        }
        return unapplied;
    }
}
