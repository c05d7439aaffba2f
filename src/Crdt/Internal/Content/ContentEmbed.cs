using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt.Internal.Content;

/// <summary>Ref 5: an embed in rich text (a JSON value), length 1.</summary>
internal sealed class ContentEmbed(object? embed) : ItemContent
{
    public object? Embed { get; } = embed;

    public override int Ref => RefEmbed;

    public override int Length => 1;

    public override bool Countable => true;

    public override void Write(Lib0Writer writer, int offset) => writer.WriteVarString(JsJson.Stringify(Embed) ?? "null");

    public override void CollectValues(List<object?> values) => values.Add(Embed);

    public override ItemContent Copy() => new ContentEmbed(Embed);
}
