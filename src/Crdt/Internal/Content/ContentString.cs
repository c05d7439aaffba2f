using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt.Internal.Content;

/// <summary>
/// Ref 4: text. Lengths and offsets are UTF-16 code units, as in JavaScript.
/// The text is a window [start, start + length) onto a source that is either the string it was
/// created from (an inserted or decoded string, never copied) or a char buffer. Typing appends
/// one character at a time to the same item, so a buffer this content owns grows in place
/// (amortised O(1)) instead of a string being copied on every keystroke. A split shares the
/// source between both halves (splitting a long run copies nothing); a half that later grows
/// first copies its own window into a buffer of its own.
/// </summary>
internal sealed class ContentString : ItemContent
{
    private const char ReplacementChar = '\uFFFD';

    // Exactly one of the two is set.
    private string? _text;
    private char[]? _buffer;
    private int _start;
    private int _length;

    // Whether _buffer belongs to this content alone, so appending may write past the window.
    private bool _ownsBuffer;

    public ContentString(string text)
    {
        _text = text;
        _length = text.Length;
    }

    private ContentString(ReadOnlySpan<char> text)
    {
        _buffer = text.ToArray();
        _length = _buffer.Length;
        _ownsBuffer = true;
    }

    private ContentString(string? text, char[]? buffer, int start, int length)
    {
        _text = text;
        _buffer = buffer;
        _start = start;
        _length = length;
    }

    /// <summary>
    /// Re-fills a content that is no longer used (see <c>DecodeBuffers</c>) with the next string
    /// of <paramref name="reader"/>, decoded into a buffer it owns and keeps for the next time.
    /// </summary>
    public void ReadInto(ref Lib0Reader reader)
    {
        var buffer = _ownsBuffer ? _buffer! : [];
        _length = reader.ReadVarStringInto(ref buffer);
        _buffer = buffer;
        _text = null;
        _start = 0;
        _ownsBuffer = true;
    }

    public ReadOnlySpan<char> Span => _buffer is { } b ? b.AsSpan(_start, _length) : _text.AsSpan(_start, _length);

    public string Text => _text is { } t && _start == 0 && _length == t.Length ? t : new(Span);

    public override int Ref => RefString;

    public override int Length => _length;

    public override bool Countable => true;

    public override ItemContent Splice(int offset)
    {
        // Yjs never leaves half a surrogate pair on either side of a split: both halves become
        // U+FFFD on every peer, so we must do the same to converge byte for byte. Both halves
        // then need text of their own.
        if (char.IsHighSurrogate(Span[offset - 1]))
        {
            var right = new ContentString(Span[offset..]);
            var left = new ContentString(Span[..offset]);
            right._buffer![0] = ReplacementChar;
            left._buffer![offset - 1] = ReplacementChar;
            TakeFrom(left);
            return right;
        }
        var shared = new ContentString(_text, _buffer, _start + offset, _length - offset);
        _length = offset;
        // The right half now reads the buffer after our window: we must not write there.
        _ownsBuffer = false;
        return shared;
    }

    private void TakeFrom(ContentString other)
    {
        _text = other._text;
        _buffer = other._buffer;
        _start = other._start;
        _length = other._length;
        _ownsBuffer = other._ownsBuffer;
    }

    /// <summary>Drops the last unit, unless that would cut a surrogate pair (a split there rewrites both halves).</summary>
    public bool TryDropLast()
    {
        if (_length < 2 || char.IsHighSurrogate(Span[_length - 2]))
        {
            return false;
        }
        // The unit past the window stays in an owned buffer: the next append overwrites it.
        _length--;
        return true;
    }

    /// <summary>Drops the first unit, unless that would cut a surrogate pair (a split there rewrites both halves).</summary>
    public bool TryDropFirst()
    {
        if (_length < 2 || char.IsHighSurrogate(Span[0]))
        {
            return false;
        }
        _start++;
        _length--;
        return true;
    }

    public override bool TryMerge(ItemContent right) => Append(((ContentString)right).Span);

    /// <summary>Appends text in place (amortised O(1) per unit).</summary>
    public bool Append(ReadOnlySpan<char> other)
    {
        int needed = _length + other.Length;
        if (!_ownsBuffer || _start + needed > _buffer!.Length)
        {
            var grown = new char[Math.Max(needed, _length * 2)];
            Span.CopyTo(grown);
            _buffer = grown;
            _text = null;
            _start = 0;
            _ownsBuffer = true;
        }
        other.CopyTo(_buffer.AsSpan(_start + _length));
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
