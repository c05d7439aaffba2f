using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Internal;

/// <summary>
/// Operations on encoded updates without a document (§7): merge, diff against a state vector
/// and state vector of an update. Items are never integrated or merged here; the exact
/// output of Yjs (Skips for holes, GCs merged across inputs, BIT6 dropped) is reproduced.
/// </summary>
internal static class UpdateMerger
{
    /// <summary>Reads all structs of an update in order, plus its delete set.</summary>
    private static (List<StructBase> Structs, DeleteSet Deletes) ReadFlat(ReadOnlySpan<byte> update)
    {
        var reader = new Lib0Reader(update);
        var runs = UpdateDecoder.ReadRuns(ref reader);
        var ds = DeleteSet.Read(ref reader);
        var all = new List<StructBase>();
        foreach (var run in runs)
        {
            all.AddRange(run.Structs);
        }
        return (all, ds);
    }

    /// <summary>Cursor over an update's structs; Skips are filtered when merging.</summary>
    private sealed class Cursor(List<StructBase> structs, bool filterSkips)
    {
        private int _index = -1;

        public StructBase? Current { get; private set; }

        public StructBase? Next()
        {
            do
            {
                _index++;
                Current = _index < structs.Count ? structs[_index] : null;
            }
            while (filterSkips && Current is SkipStruct);
            return Current;
        }
    }

    /// <summary>Groups consecutive structs of one client into runs, as Yjs's lazy writer does.</summary>
    private sealed class RunWriter : IDisposable
    {
        private readonly List<(int Count, byte[] Bytes)> _runs = [];
        private readonly Lib0Writer _current = new();
        private long _client;
        private int _written;

        public void Write(StructBase s, int offset)
        {
            if (_written > 0 && _client != s.Client)
            {
                Flush();
            }
            if (_written == 0)
            {
                _client = s.Client;
                _current.WriteVarUint(s.Client);
                _current.WriteVarUint(s.Clock + offset);
            }
            UpdateEncoder.WriteStruct(_current, s, offset);
            _written++;
        }

        private void Flush()
        {
            _runs.Add((_written, _current.ToArray()));
            _current.Reset();
            _written = 0;
        }

        public void Finish(Lib0Writer output)
        {
            if (_written > 0)
            {
                Flush();
            }
            output.WriteVarUint(_runs.Count);
            foreach (var (count, bytes) in _runs)
            {
                output.WriteVarUint(count);
                output.WriteBytes(bytes);
            }
        }

        public void Dispose() => _current.Dispose();
    }

    public static byte[] Merge(IReadOnlyList<byte[]> updates)
    {
        if (updates.Count == 1)
        {
            return updates[0];
        }
        var decoded = updates.Select(u => ReadFlat(u)).ToList();
        var cursors = decoded.Select(d => new Cursor(d.Structs, filterSkips: true)).ToList();
        foreach (var c in cursors)
        {
            c.Next();
        }
        using var runWriter = new RunWriter();
        StructBase? write = null;
        while (true)
        {
            cursors = cursors.Where(c => c.Current is not null).ToList();
            V8Sort.Sort(cursors, CursorOrder.Compare);
            if (cursors.Count == 0)
            {
                break;
            }
            var reader = cursors[0];
            long firstClient = reader.Current!.Client;
            if (write is not null)
            {
                var curr = reader.Current;
                bool iterated = false;
                while (curr is not null && curr.Clock + curr.Length <= write.Clock + write.Length && curr.Client >= write.Client)
                {
                    curr = reader.Next();
                    iterated = true;
                }
                if (curr is null || curr.Client != firstClient || (iterated && curr.Clock > write.Clock + write.Length))
                {
                    continue;
                }
                if (firstClient != write.Client)
                {
                    runWriter.Write(write, 0);
                    write = curr;
                    reader.Next();
                }
                else if (write.Clock + write.Length < curr.Clock)
                {
                    if (write is SkipStruct)
                    {
                        // Extend the existing Skip over the gap.
                        write.Length = CheckedLength(curr.Clock + curr.Length - write.Clock);
                    }
                    else
                    {
                        runWriter.Write(write, 0);
                        long diff = curr.Clock - write.Clock - write.Length;
                        write = new SkipStruct(firstClient, write.Clock + write.Length, CheckedLength(diff));
                    }
                }
                else
                {
                    long diff = write.Clock + write.Length - curr.Clock;
                    if (diff > 0)
                    {
                        if (write is SkipStruct)
                        {
                            // Prefer slicing the Skip: the other struct carries more information.
                            write.Length -= (int)diff;
                        }
                        else
                        {
                            curr = Slice(curr, (int)diff);
                        }
                    }
                    if (!TryMergeLazy(write, curr))
                    {
                        runWriter.Write(write, 0);
                        write = curr;
                        reader.Next();
                    }
                }
            }
            else
            {
                write = reader.Current!;
                reader.Next();
            }
            for (var next = reader.Current;
                next is not null && next.Client == firstClient && next.Clock == write.Clock + write.Length && next is not SkipStruct;
                next = reader.Next())
            {
                runWriter.Write(write, 0);
                write = next;
            }
        }
        using var output = new Lib0Writer();
        if (write is not null)
        {
            runWriter.Write(write, 0);
        }
        runWriter.Finish(output);
        var merged = new DeleteSet();
        foreach (var (_, ds) in decoded)
        {
            foreach (var (client, ranges) in ds.Clients)
            {
                foreach (var r in ranges)
                {
                    merged.Add(client, r.Clock, r.Length);
                }
            }
        }
        merged.SortAndMerge();
        merged.Write(output);
        return output.ToArray();
    }

    private static int CheckedLength(long length)
    {
        if (length > int.MaxValue)
        {
            ThrowHelper.Format($"gap of {length} clocks between updates is too large to represent");
        }
        return (int)length;
    }

    /// <summary>Lazily decoded items never merge; GCs and Skips of the same kind do.</summary>
    private static bool TryMergeLazy(StructBase left, StructBase right)
    {
        if ((left is GcStruct && right is GcStruct) || (left is SkipStruct && right is SkipStruct))
        {
            left.Length += right.Length;
            return true;
        }
        return false;
    }

    /// <summary>The part of <paramref name="s"/> from <paramref name="diff"/> on; an item gets the unit before as origin.</summary>
    private static StructBase Slice(StructBase s, int diff) => s switch
    {
        GcStruct => new GcStruct(s.Client, s.Clock + diff, s.Length - diff),
        SkipStruct => new SkipStruct(s.Client, s.Clock + diff, s.Length - diff),
        Item item => new Item(item.Client, item.Clock + diff, null, new Id(item.Client, item.Clock + diff - 1), null, item.RightOrigin, item.Parent, item.ParentSub, item.Content.Copy().Splice(diff))
        {
            ParentName = item.ParentName,
            ParentId = item.ParentId,
        },
        _ => throw new InvalidOperationException("unknown struct"),
    };

    /// <summary>
    /// Yjs's comparator: client descending, clock ascending; at the same clock it answers −1
    /// for any two structs of different kinds (unless the first is a Skip), which is not a
    /// consistent order — so the result depends on V8's sort, which <see cref="V8Sort"/> mirrors.
    /// </summary>
    private static class CursorOrder
    {
        public static int Compare(Cursor x, Cursor y)
        {
            var a = x.Current!;
            var b = y.Current!;
            if (a.Client == b.Client)
            {
                long clockDiff = a.Clock - b.Clock;
                if (clockDiff == 0)
                {
                    return a.GetType() == b.GetType() ? 0 : a is SkipStruct ? 1 : -1;
                }
                return clockDiff < 0 ? -1 : 1;
            }
            return b.Client.CompareTo(a.Client);
        }
    }

    public static byte[] Diff(ReadOnlySpan<byte> update, ReadOnlySpan<byte> stateVector)
    {
        var state = StateVectorCodec.Read(stateVector);
        var (structs, ds) = ReadFlat(update);
        var cursor = new Cursor(structs, filterSkips: false);
        cursor.Next();
        using var runWriter = new RunWriter();
        while (cursor.Current is { } curr)
        {
            long client = curr.Client;
            long svClock = state.GetValueOrDefault(client);
            if (curr is SkipStruct)
            {
                cursor.Next();
                continue;
            }
            if (curr.Clock + curr.Length > svClock)
            {
                runWriter.Write(curr, (int)Math.Max(svClock - curr.Clock, 0));
                cursor.Next();
                while (cursor.Current is { } next && next.Client == client)
                {
                    runWriter.Write(next, 0);
                    cursor.Next();
                }
            }
            else
            {
                while (cursor.Current is { } next && next.Client == client && next.Clock + next.Length <= svClock)
                {
                    cursor.Next();
                }
            }
        }
        using var output = new Lib0Writer();
        runWriter.Finish(output);
        ds.Write(output);
        return output.ToArray();
    }

    public static byte[] StateVectorFromUpdate(ReadOnlySpan<byte> update)
    {
        var (structs, _) = ReadFlat(update);
        using var entries = new Lib0Writer();
        int size = 0;
        if (structs.Count > 0)
        {
            var curr = structs[0];
            long client = curr.Client;
            bool stopCounting = curr.Clock != 0;
            long clock = stopCounting ? 0 : curr.Clock + curr.Length;
            foreach (var s in structs)
            {
                if (client != s.Client)
                {
                    if (clock != 0)
                    {
                        size++;
                        entries.WriteVarUint(client);
                        entries.WriteVarUint(clock);
                    }
                    client = s.Client;
                    clock = 0;
                    stopCounting = s.Clock != 0;
                }
                if (s is SkipStruct)
                {
                    stopCounting = true;
                }
                if (!stopCounting)
                {
                    clock = s.Clock + s.Length;
                }
            }
            if (clock != 0)
            {
                size++;
                entries.WriteVarUint(client);
                entries.WriteVarUint(clock);
            }
        }
        using var output = new Lib0Writer();
        output.WriteVarUint(size);
        output.WriteBytes(entries.WrittenSpan);
        return output.ToArray();
    }
}
