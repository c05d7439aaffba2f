using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Internal.Content;

/// <summary>
/// The payload of an <see cref="Item"/>. Ref numbers, lengths, countability and the split and
/// merge rules follow the Yjs content kinds exactly, because the store's granularity (and so
/// the encoded bytes) depends on them.
/// </summary>
internal abstract class ItemContent
{
    public const int RefDeleted = 1;
    public const int RefJson = 2;
    public const int RefBinary = 3;
    public const int RefString = 4;
    public const int RefEmbed = 5;
    public const int RefFormat = 6;
    public const int RefType = 7;
    public const int RefAny = 8;
    public const int RefDoc = 9;

    public abstract int Ref { get; }

    public abstract int Length { get; }

    /// <summary>Whether the content occupies positions in its parent's list.</summary>
    public abstract bool Countable { get; }

    /// <summary>Keeps units [0, offset) here and returns the units from <paramref name="offset"/> on.</summary>
    public virtual ItemContent Splice(int offset) =>
        throw new InvalidOperationException($"content ref {Ref} cannot be split");

    /// <summary>Appends <paramref name="right"/> to this content when the kind allows it.</summary>
    public virtual bool TryMerge(ItemContent right) => false;

    /// <summary>Writes the V1 payload starting at unit <paramref name="offset"/>.</summary>
    public abstract void Write(Lib0Writer writer, int offset);

    /// <summary>Side effects of linking the owning item into a document.</summary>
    public virtual void Integrate(YTransaction transaction, Item item)
    {
    }

    /// <summary>Side effects of deleting the owning item.</summary>
    public virtual void Delete(YTransaction transaction)
    {
    }

    /// <summary>Releases what garbage collection can release (nested types' children).</summary>
    public virtual void Gc(StructStore store)
    {
    }

    /// <summary>Appends the user-visible values (one per unit) to <paramref name="values"/>.</summary>
    public abstract void CollectValues(List<object?> values);

    public abstract ItemContent Copy();
}
