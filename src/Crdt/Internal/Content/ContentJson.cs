using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt.Internal.Content;

/// <summary>
/// Ref 2: legacy JSON values (never produced by Yjs 13, still decoded). Each value is JSON
/// text; the literal text <c>undefined</c> stands for JS undefined.
/// </summary>
internal sealed class ContentJson(List<object?> values) : ValueListContent(values)
{
    public override int Ref => RefJson;

    protected override ValueListContent Create(List<object?> values) => new ContentJson(values);

    public override void Write(Lib0Writer writer, int offset)
    {
        writer.WriteVarUint(Values.Count - offset);
        for (int i = offset; i < Values.Count; i++)
        {
            var v = Values[i];
            writer.WriteVarString(v is Undefined ? "undefined" : JsJson.Stringify(v) ?? "undefined");
        }
    }
}
