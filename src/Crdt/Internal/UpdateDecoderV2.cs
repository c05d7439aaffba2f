using CrdtCollab.Crdt.Internal.Content;
using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Internal.Structs;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt.Internal;

/// <summary>
/// Decodes update format V2 (yjs's <c>UpdateDecoderV2</c>, §4.9) into the same unintegrated
/// runs and delete set as <see cref="UpdateDecoder"/> produces for V1, with the same checks.
/// Every reader works on offsets into the whole update, so an error names the input byte.
/// </summary>
internal ref struct UpdateDecoderV2
{
    // Columns compress: a V2 struct may take no byte of its own (an RLE run repeats for ever),
    // and honest updates do that too — text typed backwards and deleted, with GC on, is a run
    // of one-unit deleted items whose every column repeats. A declared struct count is
    // therefore checked against this budget rather than against the bytes that remain: a few
    // hostile bytes can make the decoder allocate at most about what a 2 MB V1 update can.
    private const int StructsPerByte = 64;
    private const int StructBudgetFloor = 1_000_000;

    private IntDiffOptRleDecoder _keyClock;
    private UintOptRleDecoder _client;
    private IntDiffOptRleDecoder _leftClock;
    private IntDiffOptRleDecoder _rightClock;
    private RleByteDecoder _info;
    private StringColumnDecoder _string;
    private RleByteDecoder _parentInfo;
    private UintOptRleDecoder _typeRef;
    private UintOptRleDecoder _len;
    private Lib0Reader _rest;
    private readonly List<string> _keys;
    private long _structBudget;

    public UpdateDecoderV2(ReadOnlySpan<byte> update)
    {
        var header = new Lib0Reader(update);
        header.ReadVarUint();
        _keyClock = new IntDiffOptRleDecoder(Column(update, ref header));
        _client = new UintOptRleDecoder(Column(update, ref header));
        _leftClock = new IntDiffOptRleDecoder(Column(update, ref header));
        _rightClock = new IntDiffOptRleDecoder(Column(update, ref header));
        _info = new RleByteDecoder(Column(update, ref header));
        _string = new StringColumnDecoder(Column(update, ref header));
        _parentInfo = new RleByteDecoder(Column(update, ref header));
        _typeRef = new UintOptRleDecoder(Column(update, ref header));
        _len = new UintOptRleDecoder(Column(update, ref header));
        _rest = header;
        _keys = [];
        _structBudget = (long)update.Length * StructsPerByte + StructBudgetFloor;
    }

    /// <summary>A reader over one length-prefixed column whose positions are offsets into <paramref name="update"/>.</summary>
    private static Lib0Reader Column(ReadOnlySpan<byte> update, scoped ref Lib0Reader header)
    {
        int length = header.ReadVarBytes().Length;
        int end = header.Position;
        var column = new Lib0Reader(update[..end]);
        column.ReadBytes(end - length);
        return column;
    }

    public List<StructRun> ReadRuns()
    {
        int runCount = _rest.ReadCount(2);
        var runs = new List<StructRun>(runCount);
        for (int r = 0; r < runCount; r++)
        {
            int countAt = _rest.Position;
            long declared = _rest.ReadVarUint();
            if (declared > _structBudget)
            {
                ThrowHelper.Format($"declared struct count {declared} is more than a V2 update of this size can hold", countAt);
            }
            _structBudget -= declared;
            int structCount = (int)declared;
            long client = _client.Read();
            long clock = _rest.ReadVarUint();
            var structs = new List<StructBase>(Math.Min(structCount, 4096));
            for (int i = 0; i < structCount; i++)
            {
                int at = _rest.Position;
                byte info = _info.Read();
                StructBase s;
                switch (info & 0x1F)
                {
                    case GcStruct.InfoByte:
                        s = new GcStruct(client, clock, CheckLength(_len.Read(), at));
                        break;
                    case SkipStruct.InfoByte:
                        s = new SkipStruct(client, clock, CheckLength(_rest.ReadVarUint(), at));
                        break;
                    default:
                        s = ReadItem(client, clock, info, at);
                        break;
                }
                if (clock < 0 || s.Clock + s.Length > UpdateDecoder.MaxClock)
                {
                    ThrowHelper.Format($"clock range ends at {s.Clock + s.Length}, beyond the supported {UpdateDecoder.MaxClock}", at);
                }
                structs.Add(s);
                clock += s.Length;
            }
            runs.Add(new StructRun(client, structs));
        }
        return runs;
    }

    private static int CheckLength(long len, int at)
    {
        if (len <= 0 || len > int.MaxValue)
        {
            ThrowHelper.Format($"struct length {len} is out of range", at);
        }
        return (int)len;
    }

    private Item ReadItem(long client, long clock, byte info, int at)
    {
        Id? origin = (info & 0x80) != 0 ? new Id(_client.Read(), _leftClock.Read()) : null;
        Id? rightOrigin = (info & 0x40) != 0 ? new Id(_client.Read(), _rightClock.Read()) : null;
        string? parentName = null;
        Id? parentId = null;
        string? parentSub = null;
        if ((info & 0xC0) == 0)
        {
            byte parentInfo = _parentInfo.Read();
            if (parentInfo == 1)
            {
                parentName = _string.Read();
            }
            else if (parentInfo == 0)
            {
                parentId = new Id(_client.Read(), _leftClock.Read());
            }
            else
            {
                ThrowHelper.Format($"parent info must be 0 or 1, not {parentInfo}", at);
            }
            if ((info & 0x20) != 0)
            {
                parentSub = _string.Read();
            }
        }
        CheckOwnReference(origin, client, clock, "origin", at);
        CheckOwnReference(rightOrigin, client, clock, "right origin", at);
        CheckOwnReference(parentId, client, clock, "parent", at);
        var content = ReadContent(info & 0x1F, at);
        if (content.Length <= 0)
        {
            ThrowHelper.Format("item has zero length", at);
        }
        return new Item(client, clock, null, origin, null, rightOrigin, null, parentSub, content)
        {
            ParentName = parentName,
            ParentId = parentId,
        };
    }

    private static void CheckOwnReference(Id? reference, long client, long clock, string what, int at)
    {
        if (reference is { } id && id.Client == client && id.Clock >= clock)
        {
            ThrowHelper.Format($"item ({client},{clock}) has {what} {id} at or after itself", at);
        }
    }

    private string ReadKey(int at)
    {
        long keyClock = _keyClock.Read();
        if (keyClock < _keys.Count)
        {
            return _keys[(int)keyClock];
        }
        string key = _string.Read();
        _keys.Add(key);
        if (_keys.Count > 1 << 24)
        {
            ThrowHelper.Format("too many keys", at);
        }
        return key;
    }

    private int ReadValueCount(int at)
    {
        long n = _len.Read();
        if (n <= 0 || n > _structBudget)
        {
            ThrowHelper.Format($"value count {n} is out of range", at);
        }
        _structBudget -= n;
        return (int)n;
    }

    private ItemContent ReadContent(int contentRef, int at)
    {
        switch (contentRef)
        {
            case ItemContent.RefDeleted:
                return new ContentDeleted(CheckLength(_len.Read(), at));
            case ItemContent.RefJson:
                {
                    int n = ReadValueCount(at);
                    var values = new List<object?>(Math.Min(n, 4096));
                    for (int i = 0; i < n; i++)
                    {
                        string text = _string.Read();
                        values.Add(text == "undefined" ? Undefined.Value : JsJson.Parse(text));
                    }
                    return new ContentJson(values);
                }
            case ItemContent.RefBinary:
                return new ContentBinary(_rest.ReadVarBytes().ToArray());
            case ItemContent.RefString:
                return new ContentString(_string.Read());
            case ItemContent.RefEmbed:
                return new ContentEmbed(AnyCodec.Read(ref _rest));
            case ItemContent.RefFormat:
                {
                    string key = ReadKey(at);
                    return new ContentFormat(key, AnyCodec.Read(ref _rest));
                }
            case ItemContent.RefType:
                {
                    long typeRef = _typeRef.Read();
                    YType type = typeRef switch
                    {
                        ContentType.YArrayRef => new YArray(),
                        ContentType.YMapRef => new YMap(),
                        ContentType.YTextRef => new YText(),
                        ContentType.YXmlElementRef => new YXmlElement(ReadKey(at)),
                        ContentType.YXmlFragmentRef => new YXmlFragment(),
                        ContentType.YXmlHookRef => new YXmlHook(ReadKey(at)),
                        ContentType.YXmlTextRef => new YXmlText(),
                        _ => null!,
                    };
                    if (type is null)
                    {
                        ThrowHelper.Format($"unknown type ref {typeRef}", at);
                    }
                    return new ContentType(type!);
                }
            case ItemContent.RefAny:
                {
                    int n = ReadValueCount(at);
                    var values = new List<object?>(Math.Min(n, 4096));
                    for (int i = 0; i < n; i++)
                    {
                        values.Add(AnyCodec.Read(ref _rest));
                    }
                    return new ContentAny(values);
                }
            case ItemContent.RefDoc:
                {
                    string guid = _string.Read();
                    int optsAt = _rest.Position;
                    if (AnyCodec.Read(ref _rest) is not Dictionary<string, object?> opts)
                    {
                        ThrowHelper.Format("subdocument options must be an object", optsAt);
                        return null!;
                    }
                    return new ContentDoc(new YSubdocument(guid, opts));
                }
            default:
                ThrowHelper.Format($"unknown struct kind {contentRef}", at);
                return null!;
        }
    }

    /// <summary>Reads the delete set at the end of the rest (§4.9: per client, clocks as differences, lengths − 1).</summary>
    public DeleteSet ReadDeleteSet() => ReadDeleteSet(ref _rest);

    /// <summary>A V2 delete set (also the first part of a V2 snapshot).</summary>
    public static DeleteSet ReadDeleteSet(ref Lib0Reader rest)
    {
        var ds = new DeleteSet();
        int clients = rest.ReadCount(2);
        for (int i = 0; i < clients; i++)
        {
            long client = rest.ReadVarUint();
            int count = rest.ReadCount(2);
            long cursor = 0;
            for (int k = 0; k < count; k++)
            {
                int at = rest.Position;
                long clock = cursor + rest.ReadVarUint();
                long len = rest.ReadVarUint() + 1;
                if (clock + len > Lib0Reader.MaxSafeInteger)
                {
                    ThrowHelper.Format("delete range ends beyond 2^53-1", at);
                }
                ds.Add(client, clock, len);
                cursor = clock + len;
            }
        }
        return ds;
    }
}
