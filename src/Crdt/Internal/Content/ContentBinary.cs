using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt.Internal.Content;

/// <summary>Ref 3: one byte array (a JS Uint8Array), length 1.</summary>
internal sealed class ContentBinary(byte[] bytes) : ItemContent
{
    public byte[] Bytes { get; } = bytes;

    public override int Ref => RefBinary;

    public override int Length => 1;

    public override bool Countable => true;

    public override void Write(Lib0Writer writer, int offset) => writer.WriteVarBytes(Bytes);

    public override void CollectValues(List<object?> values) => values.Add(Bytes);

    public override ItemContent Copy() => new ContentBinary(Bytes);
}
