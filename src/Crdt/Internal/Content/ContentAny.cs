using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt.Internal.Content;

/// <summary>Ref 8: plain values (lib0 Any), one unit per value.</summary>
internal sealed class ContentAny(List<object?> values) : ValueListContent(values)
{
    public override int Ref => RefAny;

    protected override ValueListContent Create(List<object?> values) => new ContentAny(values);

    public override void Write(Lib0Writer writer, int offset)
    {
        writer.WriteVarUint(Values.Count - offset);
        for (int i = offset; i < Values.Count; i++)
        {
            AnyCodec.Write(writer, Values[i]);
        }
    }
}
