using System.Numerics;
using System.Runtime.CompilerServices;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Internal;

/// <summary>
/// One client's structs ordered by clock, stored in chunks of at most 256. A split inserts a
/// struct right after the one it cuts — anywhere in clock order, unrelated to the previous
/// edit — so a flat list would shift up to every entry (each a reference behind a GC write
/// barrier) on every split. Here an insert or removal shifts one chunk, and global indices
/// come from a Fenwick tree over chunk sizes (O(log chunks)). The chunk used last is cached
/// because consecutive accesses are almost always neighbours.
/// </summary>
internal sealed class StructList
{
    private const int ChunkCapacity = 256;

    // An array of StructBase (an unsealed class) checks every store for array covariance; an
    // array of this one-field struct stores the same reference without that check.
    private struct Slot
    {
        public StructBase Value;
    }

    private sealed class Chunk
    {
        public readonly Slot[] Items = new Slot[ChunkCapacity];

        // Items[i].Clock, side by side: clock look-ups binary-search this array instead of
        // dereferencing a struct object (a likely cache miss) at every probe. A struct's clock
        // changes only when an edge delete moves a run boundary, which calls ClockChanged
        // (splits add a new struct, merges only grow lengths).
        public readonly long[] Clocks = new long[ChunkCapacity];
        public int Count;
    }

    private Chunk[] _chunks;
    private int _chunkCount;

    // _chunks[i].Clocks[0], side by side (parallel to _chunks): the chunk search probes this one
    // small array instead of two dependent objects (chunk, then its clock array) per probe.
    // Kept in step by every change that can alter a chunk's first entry.
    private long[] _firstClocks;

    // Fenwick tree over chunk counts (1-based, size = _chunks.Length).
    private int[] _tree = new int[2];
    private int _count;

    private int _cursor;
    private int _cursorStart;

    // Chunk and slot of the struct FindIndex's search found last: only a hint, checked before use.
    private int _hintChunk = -1;
    private int _hintSlot;

    public StructList()
    {
        _chunks = [new Chunk()];
        _chunkCount = 1;
        _firstClocks = new long[1];
    }

    private StructList(int chunkCount)
    {
        _chunks = new Chunk[chunkCount];
        _firstClocks = new long[chunkCount];
    }

    public int Count => _count;

    public StructBase this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var c = _chunks[_cursor];
            int off = index - _cursorStart;
            if ((uint)off < (uint)c.Count)
            {
                return c.Items[off].Value;
            }
            return GetSlow(index);
        }
        set
        {
            int ci = Locate(index, out int start);
            _chunks[ci].Items[index - start].Value = value;
            _chunks[ci].Clocks[index - start] = value.Clock;
            if (index == start)
            {
                _firstClocks[ci] = value.Clock;
            }
        }
    }

    /// <summary>Re-reads the clock of the struct at <paramref name="index"/> after it moved (it stays between its neighbours).</summary>
    public void ClockChanged(int index)
    {
        int ci = Locate(index, out int start);
        long clock = _chunks[ci].Items[index - start].Value.Clock;
        _chunks[ci].Clocks[index - start] = clock;
        if (index == start)
        {
            _firstClocks[ci] = clock;
        }
    }

    private StructBase GetSlow(int index)
    {
        int ci = Locate(index, out int start);
        return _chunks[ci].Items[index - start].Value;
    }

    public StructBase Last
    {
        get
        {
            var c = _chunks[_chunkCount - 1];
            return c.Items[c.Count - 1].Value;
        }
    }

    public void Add(StructBase s)
    {
        var last = _chunks[_chunkCount - 1];
        if (last.Count == ChunkCapacity)
        {
            InsertChunk(_chunkCount, new Chunk());
            last = _chunks[_chunkCount - 1];
        }
        if (last.Count == 0)
        {
            _firstClocks[_chunkCount - 1] = s.Clock;
        }
        last.Clocks[last.Count] = s.Clock;
        last.Items[last.Count++].Value = s;
        TreeAdd(_chunkCount - 1, 1);
        _count++;
    }

    public void Insert(int index, StructBase s)
    {
        if (index == _count)
        {
            Add(s);
            return;
        }
        int ci = Locate(index, out int start);
        var c = _chunks[ci];
        int off = index - start;
        if (c.Count == ChunkCapacity)
        {
            // Split the full chunk in half, then insert into the half that holds the index.
            var right = new Chunk();
            const int half = ChunkCapacity / 2;
            Array.Copy(c.Items, half, right.Items, 0, ChunkCapacity - half);
            Array.Copy(c.Clocks, half, right.Clocks, 0, ChunkCapacity - half);
            Array.Clear(c.Items, half, ChunkCapacity - half);
            right.Count = ChunkCapacity - half;
            c.Count = half;
            InsertChunk(ci + 1, right);
            if (off > half)
            {
                ci++;
                c = right;
                off -= half;
                start += half;
            }
        }
        Array.Copy(c.Items, off, c.Items, off + 1, c.Count - off);
        Array.Copy(c.Clocks, off, c.Clocks, off + 1, c.Count - off);
        c.Items[off].Value = s;
        c.Clocks[off] = s.Clock;
        c.Count++;
        if (off == 0)
        {
            _firstClocks[ci] = s.Clock;
        }
        TreeAdd(ci, 1);
        _count++;
        _cursor = ci;
        _cursorStart = start;
    }

    public void RemoveRange(int index, int count)
    {
        while (count > 0)
        {
            int ci = Locate(index, out int start);
            var c = _chunks[ci];
            int off = index - start;
            int n = Math.Min(count, c.Count - off);
            Array.Copy(c.Items, off + n, c.Items, off, c.Count - off - n);
            Array.Copy(c.Clocks, off + n, c.Clocks, off, c.Count - off - n);
            c.Count -= n;
            Array.Clear(c.Items, c.Count, n);
            _count -= n;
            count -= n;
            if (c.Count == 0 && _chunkCount > 1)
            {
                RemoveChunk(ci);
            }
            else
            {
                if (off == 0 && c.Count > 0)
                {
                    _firstClocks[ci] = c.Clocks[0];
                }
                TreeAdd(ci, -n);

                // The chunk still starts where it did: keep it as the cursor, so the merge loops
                // that remove an entry and then read its neighbour need no tree descent.
                _cursor = ci;
                _cursorStart = start;
            }
        }
    }

    /// <summary>The chunk holding <paramref name="index"/> and the global index of its first entry.</summary>
    private int Locate(int index, out int start)
    {
        var cur = _chunks[_cursor];
        if (index >= _cursorStart && index < _cursorStart + cur.Count)
        {
            start = _cursorStart;
            return _cursor;
        }
        // Fenwick descent: the largest prefix of whole chunks whose size is <= index.
        int pos = 0;
        int remaining = index;
        for (int step = BitOperations.RoundUpToPowerOf2((uint)_tree.Length) is var p ? (int)(p >> 1) : 0; step > 0; step >>= 1)
        {
            int next = pos + step;
            if (next < _tree.Length && _tree[next] <= remaining)
            {
                pos = next;
                remaining -= _tree[next];
            }
        }
        int ci = Math.Min(pos, _chunkCount - 1);
        start = index - remaining;
        if (ci != pos)
        {
            start = PrefixCount(ci);
        }
        _cursor = ci;
        _cursorStart = start;
        return ci;
    }

    private int PrefixCount(int chunkIndex)
    {
        int sum = 0;
        for (int i = chunkIndex; i > 0; i -= i & -i)
        {
            sum += _tree[i];
        }
        return sum;
    }

    private void TreeAdd(int chunkIndex, int delta)
    {
        for (int i = chunkIndex + 1; i < _tree.Length; i += i & -i)
        {
            _tree[i] += delta;
        }
    }

    private void InsertChunk(int at, Chunk chunk)
    {
        if (_chunkCount == _chunks.Length)
        {
            Array.Resize(ref _chunks, _chunks.Length * 2);
            Array.Resize(ref _firstClocks, _chunks.Length);
        }
        Array.Copy(_chunks, at, _chunks, at + 1, _chunkCount - at);
        Array.Copy(_firstClocks, at, _firstClocks, at + 1, _chunkCount - at);
        _chunks[at] = chunk;
        _firstClocks[at] = chunk.Clocks[0];
        _chunkCount++;
        RebuildTree();
    }

    private void RemoveChunk(int at)
    {
        Array.Copy(_chunks, at + 1, _chunks, at, _chunkCount - at - 1);
        Array.Copy(_firstClocks, at + 1, _firstClocks, at, _chunkCount - at - 1);
        _chunkCount--;
        _chunks[_chunkCount] = null!;
        RebuildTree();
    }

    /// <summary>Rebuilds the Fenwick tree in O(chunks); needed only when chunks are added or removed.</summary>
    private void RebuildTree()
    {
        int size = _chunks.Length + 1;
        if (_tree.Length != size)
        {
            _tree = new int[size];
        }
        else
        {
            Array.Clear(_tree);
        }
        for (int j = 1; j < size; j++)
        {
            // Every node must pass its sum up, including nodes past the last chunk.
            if (j <= _chunkCount)
            {
                _tree[j] += _chunks[j - 1].Count;
            }
            int parent = j + (j & -j);
            if (parent < size)
            {
                _tree[parent] += _tree[j];
            }
        }
        _cursor = 0;
        _cursorStart = 0;
    }

    /// <summary>Index of the struct containing <paramref name="clock"/>.</summary>
    public int FindIndex(long clock)
    {
        // The client's newest struct is the most frequent target (typing continues it, remote
        // items have it as origin), so it is checked before any search.
        var lastChunk = _chunks[_chunkCount - 1];
        if (lastChunk.Count > 0 && clock >= lastChunk.Clocks[lastChunk.Count - 1])
        {
            var last = lastChunk.Items[lastChunk.Count - 1].Value;
            if (clock < last.Clock + last.Length)
            {
                _cursor = _chunkCount - 1;
                _cursorStart = _count - lastChunk.Count;
                return _count - 1;
            }
            throw new InvalidOperationException($"clock {clock} is not in the store");
        }
        // Chunks are in clock order: find the last chunk whose first struct starts at or before clock.
        int lo = 0;
        int hi = _chunkCount - 1;
        var firstClocks = _firstClocks;
        if (_chunks[_cursor].Count > 0 && firstClocks[_cursor] <= clock && (_cursor == _chunkCount - 1 || firstClocks[_cursor + 1] > clock))
        {
            lo = _cursor;
        }
        else
        {
            while (lo < hi)
            {
                int mid = (lo + hi + 1) >> 1;
                if (firstClocks[mid] <= clock)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid - 1;
                }
            }
        }
        var c = _chunks[lo];
        int m = -1;
        // The entry found last, or its right neighbour, usually covers the clock again (a
        // deletion finds, splits, collects and merges the same struct); any entry that covers
        // the clock is the one, as entries do not overlap.
        int hint = _hintSlot;
        if (lo == _hintChunk && (uint)hint < (uint)c.Count && c.Clocks[hint] <= clock)
        {
            if (clock < c.Items[hint].Value.Clock + c.Items[hint].Value.Length)
            {
                m = hint;
            }
            else if (hint + 1 < c.Count && c.Clocks[hint + 1] <= clock && clock < c.Items[hint + 1].Value.Clock + c.Items[hint + 1].Value.Length)
            {
                m = hint + 1;
            }
        }
        if (m < 0)
        {
            // The last entry whose clock is at or before the target; it must also cover it.
            var clocks = c.Clocks.AsSpan(0, c.Count);
            m = clocks.BinarySearch(clock);
            if (m < 0)
            {
                m = ~m - 1;
            }
        }
        if (m >= 0)
        {
            var s = c.Items[m].Value;
            if (clock < s.Clock + s.Length)
            {
                int start = lo == _cursor ? _cursorStart : PrefixCount(lo);
                _cursor = lo;
                _cursorStart = start;
                _hintChunk = lo;
                _hintSlot = m;
                return start + m;
            }
        }
        throw new InvalidOperationException($"clock {clock} is not in the store");
    }

    /// <summary>
    /// A list of <paramref name="span"/>'s structs, already in clock order, built chunk by chunk (full
    /// chunks, as appending one by one leaves them) with the Fenwick tree built once.
    /// </summary>
    // Optimized from the first call: see "Cold loads" in ARCHITECTURE.md.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static StructList FromOrdered(ReadOnlySpan<StructBase> span)
    {
        if (span.Length == 0)
        {
            return new StructList();
        }
        int chunkCount = (span.Length + ChunkCapacity - 1) / ChunkCapacity;
        var list = new StructList(chunkCount);
        for (int ci = 0; ci < chunkCount; ci++)
        {
            var part = span.Slice(ci * ChunkCapacity, Math.Min(ChunkCapacity, span.Length - (ci * ChunkCapacity)));
            var chunk = new Chunk { Count = part.Length };
            for (int k = 0; k < part.Length; k++)
            {
                chunk.Items[k].Value = part[k];
                chunk.Clocks[k] = part[k].Clock;
            }
            list._chunks[ci] = chunk;
            list._firstClocks[ci] = chunk.Clocks[0];
        }
        list._chunkCount = chunkCount;
        list._count = span.Length;
        list.RebuildTree();
        return list;
    }

    public static StructList From(IEnumerable<StructBase> structs)
    {
        var list = new StructList();
        foreach (var s in structs)
        {
            list.Add(s);
        }
        return list;
    }
}
