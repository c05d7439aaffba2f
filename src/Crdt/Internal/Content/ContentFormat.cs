using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Internal.Content;

/// <summary>
/// Ref 6: a formatting marker in rich text. It sets attribute <see cref="Key"/> to
/// <see cref="Value"/> for the content that follows; not countable.
/// </summary>
internal sealed class ContentFormat(string key, object? value) : ItemContent
{
    public string Key { get; } = key;

    public object? Value { get; } = value;

    public override int Ref => RefFormat;

    public override int Length => 1;

    public override bool Countable => false;

    public override void Integrate(YTransaction transaction, Item item)
    {
        if (item.Parent is { } parent)
        {
            parent.ContainsFormats = true;
        }
        if (item.Parent is Types.YText text)
        {
            text.HasFormatting = true;
        }
    }

    public override void Write(Lib0Writer writer, int offset)
    {
        writer.WriteVarString(Key);
        writer.WriteVarString(JsJson.Stringify(Value) ?? "null");
    }

    public override void CollectValues(List<object?> values)
    {
    }

    public override ItemContent Copy() => new ContentFormat(Key, Value);
}
