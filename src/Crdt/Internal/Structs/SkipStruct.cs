namespace CrdtCollab.Crdt.Internal.Structs;

/// <summary>An unknown clock range inside an update (doc-less merges, pending data). Never integrated.</summary>
internal sealed class SkipStruct(long client, long clock, int length) : StructBase(client, clock, length)
{
    public const byte InfoByte = 10;

    public override bool Deleted => true;
}
