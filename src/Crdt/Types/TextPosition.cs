using CrdtCollab.Crdt.Internal.Content;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Types;

/// <summary>
/// A cursor between two items of a text, with the visible index and the formatting
/// attributes in effect at that point.
/// </summary>
internal sealed class TextPosition(Item? left, Item? right, int index, OrderedDictionary<string, object?> currentAttributes)
{
    public Item? Left = left;
    public Item? Right = right;
    public int Index = index;
    public readonly OrderedDictionary<string, object?> CurrentAttributes = currentAttributes;

    public void Forward()
    {
        var r = Right ?? throw new InvalidOperationException("cannot move past the end of the text");
        if (!r.Deleted)
        {
            if (r.Content is ContentFormat f)
            {
                UpdateAttributes(CurrentAttributes, f);
            }
            else if (r.Countable)
            {
                Index += r.Length;
            }
        }
        Left = r;
        Right = r.Right;
    }

    public static void UpdateAttributes(OrderedDictionary<string, object?> attributes, ContentFormat format)
    {
        if (format.Value is null)
        {
            attributes.Remove(format.Key);
        }
        else
        {
            attributes[format.Key] = format.Value;
        }
    }
}
