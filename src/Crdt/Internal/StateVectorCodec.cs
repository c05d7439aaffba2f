using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt.Internal;

/// <summary>State vectors: <c>varUint(n)</c> then n pairs (client, clock), written in descending client order.</summary>
internal static class StateVectorCodec
{
    public static Dictionary<long, long> Read(ReadOnlySpan<byte> bytes)
    {
        var sv = new Dictionary<long, long>();
        if (bytes.IsEmpty)
        {
            return sv;
        }
        var reader = new Lib0Reader(bytes);
        int count = reader.ReadCount(2);
        for (int i = 0; i < count; i++)
        {
            long client = reader.ReadVarUint();
            sv[client] = reader.ReadVarUint();
        }
        return sv;
    }

    public static byte[] Write(IReadOnlyDictionary<long, long> sv)
    {
        using var writer = new Lib0Writer(16 + sv.Count * 8);
        writer.WriteVarUint(sv.Count);
        foreach (long client in DeleteSet.SortedClientsDescending(sv.Keys))
        {
            writer.WriteVarUint(client);
            writer.WriteVarUint(sv[client]);
        }
        return writer.ToArray();
    }
}
