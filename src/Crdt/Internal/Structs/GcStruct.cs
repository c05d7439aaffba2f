namespace CrdtCollab.Crdt.Internal.Structs;

/// <summary>A collected clock range: linked into nothing, always deleted.</summary>
internal sealed class GcStruct(long client, long clock, int length) : StructBase(client, clock, length)
{
    public const byte InfoByte = 0;

    public override bool Deleted => true;
}
