using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Internal;

/// <summary>A deleted clock range [Clock, Clock + Length).</summary>
internal struct DeleteRange(long clock, long length)
{
    public long Clock = clock;
    public long Length = length;

    public readonly long End => Clock + Length;
}

/// <summary>Client → deleted clock ranges. Pure state: no timestamps, no deleter.</summary>
internal sealed class DeleteSet
{
    // A cleared set that held one client keeps that client's (empty) range list under its key:
    // the next transaction's deletions are almost always by the same client, and then need
    // neither a dictionary insertion nor a clear of the dictionary's arrays. Only one, because
    // readers enumerate clients in insertion order (the text clean-up's result depends on it):
    // a kept key is valid only while it is also the first client added after the clear.

    private Dictionary<long, List<DeleteRange>>? _clients;

    // Ranges added since the last Clear; zero exactly when every list is empty (merging ranges
    // never empties a list), so emptiness does not depend on which keys were kept.
    private int _rangeCount;

    /// <summary>
    /// Client → ranges; allocated on first use (most transactions delete nothing). A client may
    /// map to an empty list (kept from before the last <see cref="Clear"/>): readers skip those.
    /// </summary>
    public Dictionary<long, List<DeleteRange>> Clients => _clients ??= [];

    public bool IsEmpty => _rangeCount == 0;

    // Range lists of a cleared set, reused by later additions (a transaction's delete set is
    // cleared and reused by the next transaction, see TransactionState).
    private List<List<DeleteRange>>? _spareLists;

    public void Add(long client, long clock, long length)
    {
        RangesOf(client).Add(new DeleteRange(clock, length));
        _rangeCount++;
    }

    /// <summary>The client's range list, created (empty) when missing; callers count what they add.</summary>
    private List<DeleteRange> RangesOf(long client)
    {
        DropKeptKeyUnless(client);
        ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(Clients, client, out _);
        return list ??= TakeSpareList();
    }

    /// <summary>Sets the ranges of a client that has none yet (sorted and merged, as <see cref="SortAndMerge"/> leaves them).</summary>
    public void Put(long client, List<DeleteRange> ranges)
    {
        DropKeptKeyUnless(client);
        ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(Clients, client, out _);
        if (list is { Count: > 0 })
        {
            throw new InvalidOperationException("Put is for a client without ranges.");
        }
        if (list is not null)
        {
            (_spareLists ??= []).Add(list);
        }
        list = ranges;
        _rangeCount += ranges.Count;
    }

    private void DropKeptKeyUnless(long client)
    {
        if (_rangeCount == 0 && _clients is { Count: 1 } kept && !kept.ContainsKey(client))
        {
            // The kept key is another client's: drop it, so enumeration order is this set's.
            RemoveAllClients(kept);
        }
    }

    private List<DeleteRange> TakeSpareList()
    {
        if (_spareLists is { Count: > 0 } spare)
        {
            var list = spare[^1];
            spare.RemoveAt(spare.Count - 1);
            return list;
        }
        return [];
    }

    /// <summary>Removes every range, keeping the dictionary's and the lists' capacity for reuse.</summary>
    public void Clear()
    {
        if (_rangeCount == 0 || _clients is not { } clients)
        {
            // Nothing was added since the last clear: any kept list is still empty.
            return;
        }
        if (clients.Count == 1)
        {
            foreach (var list in clients.Values)
            {
                list.Clear();
            }
        }
        else
        {
            RemoveAllClients(clients);
        }
        _rangeCount = 0;
    }

    private void RemoveAllClients(Dictionary<long, List<DeleteRange>> clients)
    {
        _spareLists ??= [];
        foreach (var list in clients.Values)
        {
            list.Clear();
            _spareLists.Add(list);
        }
        clients.Clear();
    }

    /// <summary>Sorts each client's ranges and merges overlapping or touching ones.</summary>
    public void SortAndMerge()
    {
        if (IsEmpty)
        {
            return;
        }
        foreach (var ranges in Clients.Values)
        {
            if (ranges.Count < 2)
            {
                continue;
            }
            var span = CollectionsMarshal.AsSpan(ranges);
            if (!IsSorted(span))
            {
                span.Sort(static (a, b) => a.Clock.CompareTo(b.Clock));
            }
            int j = 1;
            for (int i = 1; i < span.Length; i++)
            {
                ref var left = ref span[j - 1];
                var right = span[i];
                if (left.Clock + left.Length >= right.Clock)
                {
                    left.Length = Math.Max(left.Length, right.Clock + right.Length - left.Clock);
                }
                else
                {
                    span[j++] = right;
                }
            }
            ranges.RemoveRange(j, ranges.Count - j);
        }
    }

    // Ranges are usually recorded in clock order (integration and deletion walk forwards).
    private static bool IsSorted(ReadOnlySpan<DeleteRange> span)
    {
        for (int i = 1; i < span.Length; i++)
        {
            if (span[i].Clock < span[i - 1].Clock)
            {
                return false;
            }
        }
        return true;
    }

    public bool IsDeleted(Id id)
    {
        if (!Clients.TryGetValue(id.Client, out var ranges))
        {
            return false;
        }
        int lo = 0;
        int hi = ranges.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            var r = ranges[mid];
            if (id.Clock < r.Clock)
            {
                hi = mid - 1;
            }
            else if (id.Clock >= r.End)
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Every maximal run of deleted structs (deleted items and GC) becomes one range.</summary>
    public static DeleteSet FromStore(StructStore store)
    {
        var ds = new DeleteSet();
        foreach (var (client, structs) in store.Clients)
        {
            List<DeleteRange>? ranges = null;
            for (int i = 0; i < structs.Count; i++)
            {
                var s = structs[i];
                if (!s.Deleted)
                {
                    continue;
                }
                long clock = s.Clock;
                long len = s.Length;
                while (i + 1 < structs.Count && structs[i + 1].Deleted)
                {
                    len += structs[++i].Length;
                }
                (ranges ??= []).Add(new DeleteRange(clock, len));
            }
            if (ranges is not null)
            {
                ds.Clients[client] = ranges;
                ds._rangeCount += ranges.Count;
            }
        }
        return ds;
    }

    /// <summary>Writes clients in descending order, ranges as stored; clients without ranges are left out.</summary>
    public void Write(Lib0Writer writer)
    {
        if (IsEmpty)
        {
            writer.WriteVarUint(0);
            return;
        }
        var clients = SortedClientsDescending(Clients.Where(static c => c.Value.Count > 0).Select(static c => c.Key));
        writer.WriteVarUint(clients.Length);
        foreach (long client in clients)
        {
            var ranges = Clients[client];
            writer.WriteVarUint(client);
            writer.WriteVarUint(ranges.Count);
            foreach (var r in ranges)
            {
                writer.WriteVarUint(r.Clock);
                writer.WriteVarUint(r.Length);
            }
        }
    }

    /// <summary>Reads a delete set in the order given (zero-range entries are accepted and dropped).</summary>
    public static DeleteSet Read(ref Lib0Reader reader) => Read(ref reader, new DeleteSet());

    /// <summary>As above, into <paramref name="ds"/> (empty, see <see cref="DecodeBuffers"/>).</summary>
    // Optimized from the first call: see "Cold loads" in ARCHITECTURE.md.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static DeleteSet Read(ref Lib0Reader reader, DeleteSet ds)
    {
        int clients = reader.ReadCount(2);
        for (int i = 0; i < clients; i++)
        {
            long client = reader.ReadVarUint();
            int count = reader.ReadCount(2);
            if (count == 0)
            {
                continue;
            }
            var ranges = ds.RangesOf(client);
            ranges.EnsureCapacity(ranges.Count + count);
            for (int k = 0; k < count; k++)
            {
                int at = reader.Position;
                long clock = reader.ReadVarUint();
                long len = reader.ReadVarUint();
                if (clock + len > Lib0Reader.MaxSafeInteger)
                {
                    ThrowHelper.Format("delete range ends beyond 2^53-1", at);
                }
                ranges.Add(new DeleteRange(clock, len));
            }
            ds._rangeCount += count;
        }
        return ds;
    }

    public static long[] SortedClientsDescending(IEnumerable<long> clients)
    {
        var arr = clients.ToArray();
        Array.Sort(arr, static (a, b) => b.CompareTo(a));
        return arr;
    }
}
