using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt.Internal.Content;

/// <summary>Ref 8: plain values (lib0 Any), one unit per value.</summary>
internal sealed class ContentAny(List<object?> values) : ItemContent
{
    public List<object?> Values = values;

    public override int Ref => RefAny;

    public override int Length => Values.Count;

    public override bool Countable => true;

    public override ItemContent Splice(int offset)
    {
        var right = Values.GetRange(offset, Values.Count - offset);
        Values.RemoveRange(offset, Values.Count - offset);
        return new ContentAny(right);
    }

    public override bool TryMerge(ItemContent right)
    {
        Values.AddRange(((ContentAny)right).Values);
        return true;
    }

    public override void Write(Lib0Writer writer, int offset)
    {
        writer.WriteVarUint(Values.Count - offset);
        for (int i = offset; i < Values.Count; i++)
        {
            AnyCodec.Write(writer, Values[i]);
        }
    }

    public override void CollectValues(List<object?> values) => values.AddRange(Values);

    public override ItemContent Copy() => new ContentAny([.. Values]);
}
