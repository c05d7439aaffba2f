using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt.Internal.Content;

/// <summary>Ref 4: text. Lengths and offsets are UTF-16 code units, as in JavaScript.</summary>
internal sealed class ContentString(string text) : ItemContent
{
    private const char ReplacementChar = '\uFFFD';

    public string Text = text;

    public override int Ref => RefString;

    public override int Length => Text.Length;

    public override bool Countable => true;

    public override ItemContent Splice(int offset)
    {
        string left = Text[..offset];
        string right = Text[offset..];
        // Yjs never leaves half a surrogate pair on either side of a split: both halves become
        // U+FFFD on every peer, so we must do the same to converge byte for byte.
        if (char.IsHighSurrogate(left[^1]))
        {
            left = string.Concat(left.AsSpan(0, left.Length - 1), [ReplacementChar]);
            right = string.Concat([ReplacementChar], right.AsSpan(1));
        }
        Text = left;
        return new ContentString(right);
    }

    public override bool TryMerge(ItemContent right)
    {
        Text = string.Concat(Text, ((ContentString)right).Text);
        return true;
    }

    public override void Write(Lib0Writer writer, int offset) =>
        writer.WriteVarString(offset == 0 ? Text.AsSpan() : Text.AsSpan(offset));

    public override void CollectValues(List<object?> values)
    {
        foreach (char c in Text)
        {
            values.Add(c.ToString());
        }
    }

    public override ItemContent Copy() => new ContentString(Text);
}
