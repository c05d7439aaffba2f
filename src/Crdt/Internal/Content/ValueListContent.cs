namespace CrdtCollab.Crdt.Internal.Content;

/// <summary>
/// Content that is a list of values, one unit each (Any and legacy JSON): split and merged by
/// element, as Yjs does for both kinds.
/// </summary>
internal abstract class ValueListContent(List<object?> values) : ItemContent
{
    public List<object?> Values = values;

    public override int Length => Values.Count;

    public override bool Countable => true;

    /// <summary>A new content of the same kind holding <paramref name="values"/>.</summary>
    protected abstract ValueListContent Create(List<object?> values);

    public override ItemContent Splice(int offset)
    {
        var right = Values.GetRange(offset, Values.Count - offset);
        Values.RemoveRange(offset, Values.Count - offset);
        return Create(right);
    }

    public override bool TryMerge(ItemContent right)
    {
        Values.AddRange(((ValueListContent)right).Values);
        return true;
    }

    public override void CollectValues(List<object?> values) => values.AddRange(Values);

    public override ItemContent Copy() => Create([.. Values]);
}
