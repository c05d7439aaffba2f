using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Internal;

/// <summary>Writes structs in update format V1.</summary>
internal static class UpdateEncoder
{
    /// <summary>Writes one struct starting at unit <paramref name="offset"/> (§4.2: an item written from an offset gets a synthesised origin).</summary>
    public static void WriteStruct(Lib0Writer writer, StructBase s, int offset)
    {
        switch (s)
        {
            case Item item:
                WriteItem(writer, item, offset);
                break;
            case GcStruct:
                writer.WriteByte(GcStruct.InfoByte);
                writer.WriteVarUint(s.Length - offset);
                break;
            default:
                writer.WriteByte(SkipStruct.InfoByte);
                writer.WriteVarUint(s.Length - offset);
                break;
        }
    }

    private static void WriteItem(Lib0Writer writer, Item item, int offset)
    {
        Id? origin = offset > 0 ? new Id(item.Client, item.Clock + offset - 1) : item.Origin;
        Id? rightOrigin = item.RightOrigin;
        string? parentSub = item.ParentSub;
        int info = (item.Content.Ref & 0x1F)
            | (origin is null ? 0 : 0x80)
            | (rightOrigin is null ? 0 : 0x40)
            | (parentSub is null ? 0 : 0x20);
        writer.WriteByte((byte)info);
        if (origin is { } o)
        {
            writer.WriteVarUint(o.Client);
            writer.WriteVarUint(o.Clock);
        }
        if (rightOrigin is { } ro)
        {
            writer.WriteVarUint(ro.Client);
            writer.WriteVarUint(ro.Clock);
        }
        if (origin is null && rightOrigin is null)
        {
            if (item.Parent is { } parent)
            {
                if (parent.ItemInternal is { } parentItem)
                {
                    writer.WriteVarUint(0);
                    writer.WriteVarUint(parentItem.Client);
                    writer.WriteVarUint(parentItem.Clock);
                }
                else
                {
                    writer.WriteVarUint(1);
                    writer.WriteVarString(parent.RootName ?? throw new InvalidOperationException("root type without a name"));
                }
            }
            else if (item.ParentName is { } name)
            {
                writer.WriteVarUint(1);
                writer.WriteVarString(name);
            }
            else if (item.ParentId is { } pid)
            {
                writer.WriteVarUint(0);
                writer.WriteVarUint(pid.Client);
                writer.WriteVarUint(pid.Clock);
            }
            else
            {
                throw new InvalidOperationException($"item {item.Id} has no parent to write");
            }
            if (parentSub is not null)
            {
                writer.WriteVarString(parentSub);
            }
        }
        item.Content.Write(writer, offset);
    }

    /// <summary>Writes the client's structs from <paramref name="clock"/> on as one run (§4.4 step 2).</summary>
    public static void WriteClientStructs(Lib0Writer writer, StructList structs, long client, long clock)
    {
        clock = Math.Max(clock, structs[0].Clock);
        int start = structs.FindIndex(clock);
        writer.WriteVarUint(structs.Count - start);
        writer.WriteVarUint(client);
        writer.WriteVarUint(clock);
        var first = structs[start];
        WriteStruct(writer, first, (int)(clock - first.Clock));
        for (int i = start + 1; i < structs.Count; i++)
        {
            WriteStruct(writer, structs[i], 0);
        }
    }

    /// <summary>Writes every client whose state exceeds the target, in descending client order.</summary>
    public static void WriteStructsFromStore(Lib0Writer writer, StructStore store, IReadOnlyDictionary<long, long> target)
    {
        var starts = new List<KeyValuePair<long, long>>();
        foreach (var (client, structs) in store.Clients)
        {
            if (structs.Count == 0)
            {
                continue;
            }
            long state = structs.Last.Clock + structs.Last.Length;
            long from = target.TryGetValue(client, out long t) ? t : 0;
            if (state > from)
            {
                starts.Add(new(client, from));
            }
        }
        starts.Sort(static (a, b) => b.Key.CompareTo(a.Key));
        writer.WriteVarUint(starts.Count);
        foreach (var (client, from) in starts)
        {
            WriteClientStructs(writer, store.Clients[client], client, from);
        }
    }
}
