using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt;

/// <summary>
/// A document's version (yjs's <c>Snapshot</c>): its state vector and delete set. With garbage
/// collection off, <see cref="YDoc.CreateDocFromSnapshot"/> restores the document as it was,
/// rich text, embeds and nested types included. Encodings are yjs's (V1 and V2).
/// </summary>
public sealed class YSnapshot : IEquatable<YSnapshot>
{
    // The state vector in the order yjs's Map would hold it (a document's store order, or the
    // encoded order): createDocFromSnapshot writes its runs in this order.
    private readonly List<KeyValuePair<long, long>> _sv;
    private readonly Dictionary<long, long> _svLookup;

    internal YSnapshot(DeleteSet ds, IEnumerable<KeyValuePair<long, long>> sv)
    {
        Deletes = ds;
        _svLookup = [];
        _sv = [];
        foreach (var (client, clock) in sv)
        {
            if (_svLookup.TryAdd(client, clock))
            {
                _sv.Add(new(client, clock));
            }
            else
            {
                // A repeated client overwrites the value but keeps its place, as in a JS Map.
                _svLookup[client] = clock;
                _sv[_sv.FindIndex(kv => kv.Key == client)] = new(client, clock);
            }
        }
    }

    internal DeleteSet Deletes { get; }

    internal IReadOnlyList<KeyValuePair<long, long>> OrderedStateVector => _sv;

    /// <summary>The empty snapshot (yjs's <c>emptySnapshot</c>).</summary>
    public static YSnapshot Empty { get; } = new(new DeleteSet(), []);

    /// <summary>Client → clock: what the version contains.</summary>
    public IReadOnlyDictionary<long, long> StateVector => _svLookup;

    /// <summary>The deleted ranges (client, clock, length) of the version, per client in stored order.</summary>
    public IEnumerable<(long Client, long Clock, long Length)> DeletedRanges =>
        Deletes.Clients.SelectMany(c => c.Value.Select(r => (c.Key, r.Clock, r.Length)));

    /// <summary>yjs's <c>encodeSnapshot</c>: the delete set as in update V1, then the state vector.</summary>
    public byte[] Encode()
    {
        using var writer = new Lib0Writer();
        Deletes.Write(writer);
        WriteStateVector(writer);
        return writer.ToArray();
    }

    /// <summary>yjs's <c>encodeSnapshotV2</c>: the delete set as in update V2, then the state vector.</summary>
    public byte[] EncodeV2()
    {
        using var writer = new Lib0Writer();
        UpdateEncoderV2.WriteDeleteSet(writer, Deletes);
        WriteStateVector(writer);
        return writer.ToArray();
    }

    private void WriteStateVector(Lib0Writer writer)
    {
        writer.WriteVarUint(_sv.Count);
        foreach (long client in DeleteSet.SortedClientsDescending(_svLookup.Keys))
        {
            writer.WriteVarUint(client);
            writer.WriteVarUint(_svLookup[client]);
        }
    }

    /// <summary>yjs's <c>decodeSnapshot</c>. Malformed input raises <see cref="UpdateFormatException"/>.</summary>
    public static YSnapshot Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new Lib0Reader(bytes);
        var ds = DeleteSet.Read(ref reader);
        return new YSnapshot(ds, ReadStateVector(ref reader));
    }

    /// <summary>yjs's <c>decodeSnapshotV2</c>. Malformed input raises <see cref="UpdateFormatException"/>.</summary>
    public static YSnapshot DecodeV2(ReadOnlySpan<byte> bytes)
    {
        var reader = new Lib0Reader(bytes);
        var ds = UpdateDecoderV2.ReadDeleteSet(ref reader);
        return new YSnapshot(ds, ReadStateVector(ref reader));
    }

    private static List<KeyValuePair<long, long>> ReadStateVector(ref Lib0Reader reader)
    {
        int count = reader.ReadCount(2);
        var sv = new List<KeyValuePair<long, long>>(count);
        for (int i = 0; i < count; i++)
        {
            long client = reader.ReadVarUint();
            sv.Add(new(client, reader.ReadVarUint()));
        }
        return sv;
    }

    /// <summary>yjs's <c>equalSnapshots</c>: same state vector, and per client the same delete ranges in the same order.</summary>
    public bool Equals(YSnapshot? other)
    {
        if (other is null)
        {
            return false;
        }
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        var ds1 = Deletes.Clients.Where(static c => c.Value.Count > 0).ToList();
        var ds2 = other.Deletes.Clients.Where(static c => c.Value.Count > 0).ToDictionary(c => c.Key, c => c.Value);
        if (_svLookup.Count != other._svLookup.Count || ds1.Count != ds2.Count)
        {
            return false;
        }
        foreach (var (client, clock) in _svLookup)
        {
            if (!other._svLookup.TryGetValue(client, out long c) || c != clock)
            {
                return false;
            }
        }
        foreach (var (client, ranges1) in ds1)
        {
            if (!ds2.TryGetValue(client, out var ranges2) || ranges1.Count != ranges2.Count)
            {
                return false;
            }
            for (int i = 0; i < ranges1.Count; i++)
            {
                if (ranges1[i].Clock != ranges2[i].Clock || ranges1[i].Length != ranges2[i].Length)
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as YSnapshot);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = 0;
        foreach (var (client, clock) in _svLookup)
        {
            hash ^= HashCode.Combine(client, clock);
        }
        return hash;
    }
}
