using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt.Internal.Content;

/// <summary>
/// Ref 9: a subdocument reference (guid plus the non-default options as an Any object).
/// The subdocument's content travels separately; this engine keeps the reference intact.
/// </summary>
internal sealed class ContentDoc(YSubdocument subdocument) : ItemContent
{
    public YSubdocument Subdocument { get; } = subdocument;

    public override int Ref => RefDoc;

    public override int Length => 1;

    public override bool Countable => true;

    public override void Write(Lib0Writer writer, int offset)
    {
        writer.WriteVarString(Subdocument.Guid);
        AnyCodec.Write(writer, Subdocument.Options);
    }

    public static ContentDoc Read(ref Lib0Reader reader)
    {
        string guid = reader.ReadVarString();
        int at = reader.Position;
        var opts = AnyCodec.Read(ref reader) as Dictionary<string, object?>;
        if (opts is null)
        {
            ThrowHelper.Format("subdocument options must be an object", at);
        }
        return new ContentDoc(new YSubdocument(guid, opts));
    }

    public override void CollectValues(List<object?> values) => values.Add(Subdocument);

    public override ItemContent Copy() => new ContentDoc(Subdocument);
}
