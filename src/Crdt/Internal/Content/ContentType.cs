using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Internal.Structs;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt.Internal.Content;

/// <summary>Ref 7: a nested shared type, length 1.</summary>
internal sealed class ContentType(YType type) : ItemContent
{
    public const int YArrayRef = 0;
    public const int YMapRef = 1;
    public const int YTextRef = 2;
    public const int YXmlElementRef = 3;
    public const int YXmlFragmentRef = 4;
    public const int YXmlHookRef = 5;
    public const int YXmlTextRef = 6;

    public YType Type { get; } = type;

    public override int Ref => RefType;

    public override int Length => 1;

    public override bool Countable => true;

    public override void Write(Lib0Writer writer, int offset)
    {
        writer.WriteVarUint(Type.TypeRef);
        Type.WriteTypeExtra(writer);
    }

    public static YType ReadType(ref Lib0Reader reader)
    {
        int at = reader.Position;
        long typeRef = reader.ReadVarUint();
        return typeRef switch
        {
            YArrayRef => new YArray(),
            YMapRef => new YMap(),
            YTextRef => new YText(),
            YXmlElementRef => new YXmlElement(reader.ReadVarString()),
            YXmlFragmentRef => new YXmlFragment(),
            YXmlHookRef => new YXmlHook(reader.ReadVarString()),
            YXmlTextRef => new YXmlText(),
            _ => Fail(typeRef, at),
        };
    }

    private static YType Fail(long typeRef, int at)
    {
        ThrowHelper.Format($"unknown type ref {typeRef}", at);
        return null!;
    }

    public override void Integrate(YTransaction transaction, Item item) => Type.Integrate(transaction.Doc, item);

    public override void Delete(YTransaction transaction)
    {
        long BeforeClock(long client) => transaction.GetBeforeState(client);
        for (var item = Type.Start; item is not null; item = item.Right)
        {
            if (!item.Deleted)
            {
                item.Delete(transaction);
            }
            else if (item.Clock < BeforeClock(item.Client))
            {
                // Already deleted before this transaction: it may now merge with its neighbours.
                transaction.MergeStructs.Add(item);
            }
        }
        foreach (var item in Type.Map.Values)
        {
            if (!item.Deleted)
            {
                item.Delete(transaction);
            }
            else if (item.Clock < BeforeClock(item.Client))
            {
                transaction.MergeStructs.Add(item);
            }
        }
    }

    public override void Gc(StructStore store)
    {
        for (var item = Type.Start; item is not null; item = item.Right)
        {
            ItemOps.Gc(store, item, parentCollected: true);
        }
        Type.Start = null;
        foreach (var last in Type.Map.Values)
        {
            for (Item? item = last; item is not null; item = item.Left)
            {
                ItemOps.Gc(store, item, parentCollected: true);
            }
        }
        Type.Map.Clear();
        Type.InvalidateMarker();
    }

    public override void CollectValues(List<object?> values) => values.Add(Type);

    public override ItemContent Copy() => new ContentType(Type.CreateEmpty());
}
