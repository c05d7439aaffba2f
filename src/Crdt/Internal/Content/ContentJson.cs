using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt.Internal.Content;

/// <summary>
/// Ref 2: legacy JSON values (never produced by Yjs 13, still decoded). Each value is JSON
/// text; the literal text <c>undefined</c> stands for JS undefined.
/// </summary>
internal sealed class ContentJson(List<object?> values) : ItemContent
{
    public List<object?> Values = values;

    public override int Ref => RefJson;

    public override int Length => Values.Count;

    public override bool Countable => true;

    public override ItemContent Splice(int offset)
    {
        var right = Values.GetRange(offset, Values.Count - offset);
        Values.RemoveRange(offset, Values.Count - offset);
        return new ContentJson(right);
    }

    public override bool TryMerge(ItemContent right)
    {
        Values.AddRange(((ContentJson)right).Values);
        return true;
    }

    public override void Write(Lib0Writer writer, int offset)
    {
        writer.WriteVarUint(Values.Count - offset);
        for (int i = offset; i < Values.Count; i++)
        {
            var v = Values[i];
            writer.WriteVarString(v is Undefined ? "undefined" : JsJson.Stringify(v) ?? "undefined");
        }
    }

    public override void CollectValues(List<object?> values) => values.AddRange(Values);

    public override ItemContent Copy() => new ContentJson([.. Values]);
}
