using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt.Internal.Content;

/// <summary>
/// Ref 4: text. Lengths and offsets are UTF-16 code units, as in JavaScript. Typing appends
/// one character at a time to the same item, so the text lives in a growable buffer that a
/// merge extends in place (amortised O(1)) instead of a string copied on every keystroke.
/// </summary>
internal sealed class ContentString : ItemContent
{
    private const char ReplacementChar = '\uFFFD';

    private char[] _buffer;
    private int _length;

    public ContentString(string text)
    {
        _buffer = text.ToCharArray();
        _length = _buffer.Length;
    }

    private ContentString(ReadOnlySpan<char> text)
    {
        _buffer = text.ToArray();
        _length = _buffer.Length;
    }

    public ReadOnlySpan<char> Span => _buffer.AsSpan(0, _length);

    public string Text => new(Span);

    public override int Ref => RefString;

    public override int Length => _length;

    public override bool Countable => true;

    public override ItemContent Splice(int offset)
    {
        var right = new ContentString(_buffer.AsSpan(offset, _length - offset));
        _length = offset;
        // Yjs never leaves half a surrogate pair on either side of a split: both halves become
        // U+FFFD on every peer, so we must do the same to converge byte for byte.
        if (char.IsHighSurrogate(_buffer[offset - 1]))
        {
            _buffer[offset - 1] = ReplacementChar;
            right._buffer[0] = ReplacementChar;
        }
        return right;
    }

    public override bool TryMerge(ItemContent right) => Append(((ContentString)right).Span);

    /// <summary>Appends text in place (amortised O(1) per unit).</summary>
    public bool Append(ReadOnlySpan<char> other)
    {
        int needed = _length + other.Length;
        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
        }
        other.CopyTo(_buffer.AsSpan(_length));
        _length = needed;
        return true;
    }

    public override void Write(Lib0Writer writer, int offset) => writer.WriteVarString(Span[offset..]);

    public override void CollectValues(List<object?> values)
    {
        foreach (char c in Span)
        {
            values.Add(c.ToString());
        }
    }

    public override ItemContent Copy() => new ContentString(Span);
}
