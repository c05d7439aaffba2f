namespace CrdtCollab.Crdt.Internal.Lib0;

/// <summary>
/// Decoders for the update V2 columns (lib0's RleDecoder, UintOptRleDecoder,
/// IntDiffOptRleDecoder, StringDecoder). Each reads its own column through a reader whose
/// positions are offsets into the whole update, so errors name the byte in the input.
/// </summary>
internal ref struct RleByteDecoder(Lib0Reader reader)
{
    private Lib0Reader _reader = reader;
    private byte _value;
    private long _count;

    public byte Read()
    {
        if (_count == 0)
        {
            _value = _reader.ReadByte();
            // The final run's length is not written: the last value repeats for ever.
            _count = _reader.HasContent ? _reader.ReadVarUint() + 1 : -1;
        }
        _count--;
        return _value;
    }
}

/// <summary>See <see cref="RleByteDecoder"/>.</summary>
internal ref struct UintOptRleDecoder(Lib0Reader reader)
{
    private Lib0Reader _reader = reader;
    private long _value;
    private long _count;

    public long Read()
    {
        if (_count == 0)
        {
            _value = _reader.ReadVarInt(out bool negativeZero);
            _count = 1;
            if (_value < 0 || negativeZero)
            {
                _value = -_value;
                _count = _reader.ReadVarUint() + 2;
            }
        }
        _count--;
        return _value;
    }

    public readonly int Position => _reader.Position;
}

/// <summary>See <see cref="RleByteDecoder"/>.</summary>
internal ref struct IntDiffOptRleDecoder(Lib0Reader reader)
{
    private Lib0Reader _reader = reader;
    private long _value;
    private long _diff;
    private long _count;

    public long Read()
    {
        if (_count == 0)
        {
            int at = _reader.Position;
            long x = _reader.ReadVarInt(out _);
            // floor(x / 2), as lib0 computes it (an arithmetic shift rounds toward −∞).
            _diff = x >> 1;
            _count = (x & 1) != 0 ? _reader.ReadVarUint() + 2 : 1;
            if (Math.Abs(_diff) > Lib0Reader.MaxSafeInteger)
            {
                ThrowHelper.Format("column difference out of range", at);
            }
        }
        _value += _diff;
        _count--;
        if (_value < 0 || _value > Lib0Reader.MaxSafeInteger)
        {
            ThrowHelper.Format($"column value {_value} out of range", _reader.Position);
        }
        return _value;
    }
}

/// <summary>The string column: one varString sliced by a <see cref="UintOptRleDecoder"/> stream of UTF-16 lengths.</summary>
internal ref struct StringColumnDecoder
{
    private readonly string _text;
    private UintOptRleDecoder _lengths;
    private int _pos;

    public StringColumnDecoder(Lib0Reader reader)
    {
        // An empty column has no concatenation at all (yjs writes at least "00"; a missing
        // one only fails once a string is read, as in yjs).
        _text = reader.HasContent ? reader.ReadVarString() : string.Empty;
        _lengths = new UintOptRleDecoder(reader);
        _pos = 0;
    }

    public string Read()
    {
        int at = _lengths.Position;
        long len = _lengths.Read();
        if (len > _text.Length - _pos)
        {
            ThrowHelper.Format($"string of length {len} runs past the string column ({_text.Length - _pos} units left)", at);
        }
        string s = _text.Substring(_pos, (int)len);
        _pos += (int)len;
        return s;
    }
}
