namespace CrdtCollab.Crdt.Internal.Structs;

/// <summary>
/// One entry of a client's struct list: an <see cref="Item"/>, a <see cref="GcStruct"/> or,
/// only in updates that were not integrated, a <see cref="SkipStruct"/>. It covers the clock
/// range [Clock, Clock + Length).
/// </summary>
internal abstract class StructBase
{
    protected StructBase(long client, long clock, int length)
    {
        Client = client;
        Clock = clock;
        Length = length;
    }

    public long Client;
    public long Clock;
    public int Length;

    // Item's state bits (deleted, keep, uncountable, collected). Declared here, beside Length,
    // because the runtime lays out base-class fields first: a list walk that asks "is this item
    // visible, and how long is it?" then reads one cache line of the item, not two.
    private protected byte Flags;

    public abstract bool Deleted { get; }

    public Id Id => new(Client, Clock);

    public long End => Clock + Length;
}
