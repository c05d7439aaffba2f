using CrdtCollab.Crdt.Internal.Content;
using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Internal.Structs;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt.Internal;

/// <summary>
/// Writes update format V2 (yjs's <c>UpdateEncoderV2</c>, §4.9): the V1 fields, in V1 order,
/// spread over nine compressed columns and a raw rest. Runs are grouped as yjs's lazy struct
/// writer groups them: a new run starts when the client changes.
/// </summary>
internal sealed class UpdateEncoderV2 : IDisposable
{
    private readonly IntDiffOptRleEncoder _keyClock = new();
    private readonly UintOptRleEncoder _client = new();
    private readonly IntDiffOptRleEncoder _leftClock = new();
    private readonly IntDiffOptRleEncoder _rightClock = new();
    private readonly RleByteEncoder _info = new();
    private readonly StringColumnEncoder _string = new();
    private readonly RleByteEncoder _parentInfo = new();
    private readonly UintOptRleEncoder _typeRef = new();
    private readonly UintOptRleEncoder _len = new();

    // The rest column of each finished run, and of the open one.
    private readonly List<(int Count, byte[] Bytes)> _runs = [];
    private readonly Lib0Writer _rest = new();
    private long _runClient;
    private int _written;

    // yjs's key table is disabled in its encoder: every key takes the next number.
    private long _keyClockNext;

    /// <summary>Appends one struct written from unit <paramref name="offset"/> (§4.2).</summary>
    public void WriteStruct(StructBase s, int offset)
    {
        if (_written > 0 && _runClient != s.Client)
        {
            FlushRun();
        }
        if (_written == 0)
        {
            _runClient = s.Client;
            _client.Write(s.Client);
            _rest.WriteVarUint(s.Clock + offset);
        }
        switch (s)
        {
            case Item item:
                WriteItem(item, offset);
                break;
            case GcStruct:
                _info.Write(GcStruct.InfoByte);
                _len.Write(s.Length - offset);
                break;
            default:
                _info.Write(SkipStruct.InfoByte);
                _rest.WriteVarUint(s.Length - offset);
                break;
        }
        _written++;
    }

    private void FlushRun()
    {
        _runs.Add((_written, _rest.ToArray()));
        _rest.Reset();
        _written = 0;
    }

    private void WriteItem(Item item, int offset)
    {
        Id? origin = offset > 0 ? new Id(item.Client, item.Clock + offset - 1) : item.Origin;
        Id? rightOrigin = item.RightOrigin;
        string? parentSub = item.ParentSub;
        int info = (item.Content.Ref & 0x1F)
            | (origin is null ? 0 : 0x80)
            | (rightOrigin is null ? 0 : 0x40)
            | (parentSub is null ? 0 : 0x20);
        _info.Write((byte)info);
        if (origin is { } o)
        {
            _client.Write(o.Client);
            _leftClock.Write(o.Clock);
        }
        if (rightOrigin is { } ro)
        {
            _client.Write(ro.Client);
            _rightClock.Write(ro.Clock);
        }
        if (origin is null && rightOrigin is null)
        {
            if (item.Parent is { } parent)
            {
                if (parent.ItemInternal is { } parentItem)
                {
                    WriteParentId(new Id(parentItem.Client, parentItem.Clock));
                }
                else
                {
                    WriteParentName(parent.RootName ?? throw new InvalidOperationException("root type without a name"));
                }
            }
            else if (item.ParentName is { } name)
            {
                WriteParentName(name);
            }
            else if (item.ParentId is { } pid)
            {
                WriteParentId(pid);
            }
            else
            {
                throw new InvalidOperationException($"item {item.Id} has no parent to write");
            }
            if (parentSub is not null)
            {
                _string.Write(parentSub);
            }
        }
        WriteContent(item.Content, offset);
    }

    private void WriteParentId(Id id)
    {
        _parentInfo.Write(0);
        _client.Write(id.Client);
        _leftClock.Write(id.Clock);
    }

    private void WriteParentName(string name)
    {
        _parentInfo.Write(1);
        _string.Write(name);
    }

    private void WriteKey(string key)
    {
        _keyClock.Write(_keyClockNext++);
        _string.Write(key);
    }

    private void WriteContent(ItemContent content, int offset)
    {
        switch (content)
        {
            case ContentString text:
                _string.Write(text.Span[offset..]);
                break;
            case ContentDeleted:
                _len.Write(content.Length - offset);
                break;
            case ContentAny any:
                _len.Write(any.Values.Count - offset);
                for (int i = offset; i < any.Values.Count; i++)
                {
                    AnyCodec.Write(_rest, any.Values[i]);
                }
                break;
            case ContentJson json:
                _len.Write(json.Values.Count - offset);
                for (int i = offset; i < json.Values.Count; i++)
                {
                    var v = json.Values[i];
                    _string.Write(v is Undefined ? "undefined" : JsJson.Stringify(v) ?? "undefined");
                }
                break;
            case ContentBinary binary:
                _rest.WriteVarBytes(binary.Bytes);
                break;
            case ContentEmbed embed:
                AnyCodec.Write(_rest, embed.Embed);
                break;
            case ContentFormat format:
                WriteKey(format.Key);
                AnyCodec.Write(_rest, format.Value);
                break;
            case ContentType type:
                _typeRef.Write(type.Type.TypeRef);
                if (type.Type is YXmlElement element)
                {
                    WriteKey(element.NodeName);
                }
                else if (type.Type is YXmlHook hook)
                {
                    WriteKey(hook.HookName);
                }
                break;
            case ContentDoc doc:
                _string.Write(doc.Subdocument.Guid);
                AnyCodec.Write(_rest, doc.Subdocument.Options);
                break;
            default:
                throw new InvalidOperationException($"content {content.GetType().Name} has no V2 form");
        }
    }

    /// <summary>Writes the client's structs from <paramref name="clock"/> on as one run (§4.4 step 2), from the store (BIT6 kept, as yjs writes it).</summary>
    public void WriteClientStructs(StructList structs, long clock)
    {
        clock = Math.Max(clock, structs[0].Clock);
        int start = structs.FindIndex(clock);
        var first = structs[start];
        WriteStruct(first, (int)(clock - first.Clock));
        for (int i = start + 1; i < structs.Count; i++)
        {
            WriteStruct(structs[i], 0);
        }
    }

    /// <summary>Every client whose state exceeds the target, in descending client order (yjs's <c>writeClientsStructs</c>).</summary>
    public void WriteStructsFromStore(StructStore store, IReadOnlyDictionary<long, long> target)
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
        foreach (var (client, from) in starts)
        {
            WriteClientStructs(store.Clients[client], from);
        }
    }

    /// <summary>Closes the struct section and appends the delete set (§4.9: clocks as differences, lengths − 1).</summary>
    public byte[] Finish(DeleteSet ds)
    {
        if (_written > 0)
        {
            FlushRun();
        }
        using var rest = new Lib0Writer();
        rest.WriteVarUint(_runs.Count);
        foreach (var (count, bytes) in _runs)
        {
            rest.WriteVarUint(count);
            rest.WriteBytes(bytes);
        }
        WriteDeleteSet(rest, ds);

        using var output = new Lib0Writer(256 + rest.Length);
        using var column = new Lib0Writer();
        output.WriteVarUint(0);
        void Column(Action<Lib0Writer> finish)
        {
            column.Reset();
            finish(column);
            output.WriteVarBytes(column.WrittenSpan);
        }
        Column(_keyClock.FinishInto);
        Column(_client.FinishInto);
        Column(_leftClock.FinishInto);
        Column(_rightClock.FinishInto);
        output.WriteVarBytes(_info.Bytes);
        Column(_string.FinishInto);
        output.WriteVarBytes(_parentInfo.Bytes);
        Column(_typeRef.FinishInto);
        Column(_len.FinishInto);
        output.WriteBytes(rest.WrittenSpan);
        return output.ToArray();
    }

    /// <summary>A V2 delete set (also the first part of a V2 snapshot).</summary>
    public static void WriteDeleteSet(Lib0Writer rest, DeleteSet ds)
    {
        if (ds.IsEmpty)
        {
            rest.WriteVarUint(0);
            return;
        }
        var clients = DeleteSet.SortedClientsDescending(ds.Clients.Where(static c => c.Value.Count > 0).Select(static c => c.Key));
        rest.WriteVarUint(clients.Length);
        foreach (long client in clients)
        {
            var ranges = ds.Clients[client];
            rest.WriteVarUint(client);
            rest.WriteVarUint(ranges.Count);
            long cursor = 0;
            foreach (var r in ranges)
            {
                if (r.Clock < cursor || r.Length <= 0)
                {
                    // V2 cannot express overlapping, unsorted or empty ranges (yjs would write garbage).
                    ThrowHelper.Format($"delete range ({client},{r.Clock},{r.Length}) cannot be written in update format V2");
                }
                rest.WriteVarUint(r.Clock - cursor);
                rest.WriteVarUint(r.Length - 1);
                cursor = r.Clock + r.Length;
            }
        }
    }

    public void Dispose()
    {
        _rest.Dispose();
        _keyClock.Dispose();
        _client.Dispose();
        _leftClock.Dispose();
        _rightClock.Dispose();
        _info.Dispose();
        _string.Dispose();
        _parentInfo.Dispose();
        _typeRef.Dispose();
        _len.Dispose();
    }
}
