using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Internal.Content;

/// <summary>Ref 1: content released by GC, or received already deleted. Not countable.</summary>
internal sealed class ContentDeleted(int length) : ItemContent
{
    private int _length = length;

    public override int Ref => RefDeleted;

    public override int Length => _length;

    public override bool Countable => false;

    public override ItemContent Splice(int offset)
    {
        var right = new ContentDeleted(_length - offset);
        _length = offset;
        return right;
    }

    public void Grow(int units) => _length += units;

    public override bool TryMerge(ItemContent right)
    {
        _length += ((ContentDeleted)right)._length;
        return true;
    }

    public override void Integrate(YTransaction transaction, Item item)
    {
        transaction.DeleteSet.Add(item.Client, item.Clock, _length);
        item.MarkDeleted();
    }

    public override void Write(Lib0Writer writer, int offset) => writer.WriteVarUint(_length - offset);

    public override void CollectValues(List<object?> values)
    {
    }

    public override ItemContent Copy() => new ContentDeleted(_length);
}
