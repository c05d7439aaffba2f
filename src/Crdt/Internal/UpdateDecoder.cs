using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CrdtCollab.Crdt.Internal.Content;
using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Internal;

/// <summary>One client run of an update: structs with consecutive clocks starting at the run's first clock.</summary>
internal sealed class StructRun(long client, List<StructBase> structs)
{
    public long Client { get; set; } = client;

    public List<StructBase> Structs { get; } = structs;
}

/// <summary>
/// Decodes V1 updates into unintegrated structs. Parents stay as decoded (root name or item
/// id) and map keys are read only when no origin is present, exactly as Yjs decodes them.
/// Everything is validated here, before any document is touched.
/// </summary>
internal static class UpdateDecoder
{
    private const int MinStructBytes = 2;

    /// <summary>
    /// Clocks are limited to 2^31−1 units per client (two billion characters typed by one
    /// client): struct lengths, and the Skips that cover gaps, then always fit an int, and a
    /// hostile update cannot declare a gap no merge could represent.
    /// </summary>
    public const long MaxClock = int.MaxValue;

    public static List<StructRun> ReadRuns(ref Lib0Reader reader) => ReadRuns(ref reader, null);

    /// <summary>Reads the struct runs, into <paramref name="buffers"/>'s containers when given (see <see cref="DecodeBuffers"/>).</summary>
    // Optimized from the first call: see "Cold loads" in ARCHITECTURE.md.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<StructRun> ReadRuns(ref Lib0Reader reader, DecodeBuffers? buffers)
    {
        int runCount = reader.ReadCount(3);
        var runs = buffers?.Runs ?? new List<StructRun>(runCount);
        for (int r = 0; r < runCount; r++)
        {
            int structCount = reader.ReadCount(MinStructBytes);
            long client = reader.ReadVarUint();
            long clock = reader.ReadVarUint();
            StructRun run = buffers?.RentRun(client) ?? new StructRun(client, new List<StructBase>(structCount));
            // Written through a span: a list's Add checks every store against the array's
            // element type (StructBase is not sealed). Should decoding throw, the run is not
            // in the result and its half-filled list is dropped.
            var structList = run.Structs;
            CollectionsMarshal.SetCount(structList, structCount);
            var structs = CollectionsMarshal.AsSpan(structList);
            for (int i = 0; i < structCount; i++)
            {
                int at = reader.Position;
                byte info = reader.ReadByte();
                StructBase s;
                switch (info & 0x1F)
                {
                    case GcStruct.InfoByte:
                        s = new GcStruct(client, clock, ReadStructLength(ref reader));
                        break;
                    case SkipStruct.InfoByte:
                        s = new SkipStruct(client, clock, ReadStructLength(ref reader));
                        break;
                    default:
                        s = ReadItem(ref reader, client, clock, info, at, buffers);
                        break;
                }
                if (s.Clock + s.Length > MaxClock)
                {
                    ThrowHelper.Format($"clock range ends at {s.Clock + s.Length}, beyond the supported {MaxClock}", at);
                }
                structs[i] = s;
                clock += s.Length;
            }
            runs.Add(run);
        }
        return runs;
    }

    private static int ReadStructLength(ref Lib0Reader reader)
    {
        int at = reader.Position;
        long len = reader.ReadVarUint();
        if (len <= 0 || len > int.MaxValue)
        {
            ThrowHelper.Format($"struct length {len} is out of range", at);
        }
        return (int)len;
    }

    // Optimized from the first call: see "Cold loads" in ARCHITECTURE.md.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Item ReadItem(ref Lib0Reader reader, long client, long clock, byte info, int at, DecodeBuffers? buffers)
    {
        Id? origin = (info & 0x80) != 0 ? ReadId(ref reader) : null;
        Id? rightOrigin = (info & 0x40) != 0 ? ReadId(ref reader) : null;
        string? parentName = null;
        Id? parentId = null;
        string? parentSub = null;
        bool parentWritten = (info & 0xC0) == 0;
        if (parentWritten)
        {
            int pat = reader.Position;
            long parentInfo = reader.ReadVarUint();
            if (parentInfo == 1)
            {
                parentName = reader.ReadVarString();
            }
            else if (parentInfo == 0)
            {
                parentId = ReadId(ref reader);
            }
            else
            {
                ThrowHelper.Format($"parent info must be 0 or 1, not {parentInfo}", pat);
            }
            if ((info & 0x20) != 0)
            {
                parentSub = reader.ReadVarString();
            }
        }
        // An item can only reference what existed when it was created: its own client's
        // earlier clocks. A reference to its own future would make integration look up
        // structs that do not exist, so reject it here.
        CheckOwnReference(origin, client, clock, "origin", at);
        CheckOwnReference(rightOrigin, client, clock, "right origin", at);
        CheckOwnReference(parentId, client, clock, "parent", at);
        if ((info & 0x1F) == ItemContent.RefString && buffers?.SpareTextItem is { Content: ContentString spareText } spare)
        {
            // A keystroke of a live stream: reuse the previous keystroke's item (see DecodeBuffers).
            buffers.SpareTextItem = null;
            spareText.ReadInto(ref reader);
            if (spareText.Length <= 0)
            {
                ThrowHelper.Format("item has zero length", at);
            }
            spare.Reinitialize(client, clock, origin, rightOrigin, parentSub, spareText);
            spare.ParentName = parentName;
            spare.ParentId = parentId;
            return spare;
        }
        var content = ReadContent(ref reader, info & 0x1F, at);
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

    private static Id ReadId(ref Lib0Reader reader)
    {
        long client = reader.ReadVarUint();
        long clock = reader.ReadVarUint();
        return new Id(client, clock);
    }

    // Optimized from the first call: see "Cold loads" in ARCHITECTURE.md.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ItemContent ReadContent(ref Lib0Reader reader, int contentRef, int at)
    {
        switch (contentRef)
        {
            case ItemContent.RefDeleted:
                return new ContentDeleted(ReadStructLength(ref reader));
            case ItemContent.RefJson:
                {
                    int n = reader.ReadCount(1);
                    var values = new List<object?>(n);
                    for (int i = 0; i < n; i++)
                    {
                        string text = reader.ReadVarString();
                        values.Add(text == "undefined" ? Undefined.Value : JsJson.Parse(text));
                    }
                    return new ContentJson(values);
                }
            case ItemContent.RefBinary:
                return new ContentBinary(reader.ReadVarBytes().ToArray());
            case ItemContent.RefString:
                return new ContentString(reader.ReadVarString());
            case ItemContent.RefEmbed:
                return new ContentEmbed(JsJson.Parse(reader.ReadVarString()));
            case ItemContent.RefFormat:
                {
                    string key = reader.ReadVarString();
                    return new ContentFormat(key, JsJson.Parse(reader.ReadVarString()));
                }
            case ItemContent.RefType:
                return new ContentType(ContentType.ReadType(ref reader));
            case ItemContent.RefAny:
                {
                    int n = reader.ReadCount(1);
                    var values = new List<object?>(n);
                    for (int i = 0; i < n; i++)
                    {
                        values.Add(AnyCodec.Read(ref reader));
                    }
                    return new ContentAny(values);
                }
            case ItemContent.RefDoc:
                return ContentDoc.Read(ref reader);
            default:
                ThrowHelper.Format($"unknown struct kind {contentRef}", at);
                return null!;
        }
    }
}
