using System.Text;

namespace CrdtCollab.Crdt.Internal.Lib0;

/// <summary>
/// lib0's <c>RleEncoder</c> over bytes (update V2 info and parentInfo columns): a value byte
/// when the value changes, preceded by <c>varUint(run − 1)</c> for the run that just ended.
/// The final run's length is never written; the decoder repeats the last value.
/// </summary>
internal sealed class RleByteEncoder : IDisposable
{
    public void Dispose() => _out.Dispose();

    private readonly Lib0Writer _out = new(64);
    private int _current = -1;
    private long _count;

    public void Write(byte value)
    {
        if (_current == value)
        {
            _count++;
            return;
        }
        if (_count > 0)
        {
            _out.WriteVarUint(_count - 1);
        }
        _count = 1;
        _out.WriteByte(value);
        _current = value;
    }

    public ReadOnlySpan<byte> Bytes => _out.WrittenSpan;
}

/// <summary>
/// lib0's <c>UintOptRleEncoder</c> (client, typeRef, len columns and string lengths): a run of
/// one is <c>varInt(v)</c>; a longer run is <c>varInt(−v)</c> (−0 for zero) then <c>varUint(n − 2)</c>.
/// </summary>
internal sealed class UintOptRleEncoder : IDisposable
{
    public void Dispose() => _out.Dispose();

    private readonly Lib0Writer _out = new(64);
    private long _value;
    private long _count;

    public void Write(long value)
    {
        if (_value == value)
        {
            _count++;
            return;
        }
        Flush();
        _count = 1;
        _value = value;
    }

    private void Flush()
    {
        if (_count == 0)
        {
            return;
        }
        if (_count == 1)
        {
            _out.WriteVarInt(_value);
        }
        else
        {
            _out.WriteVarInt(-_value, negativeZero: _value == 0);
            _out.WriteVarUint(_count - 2);
        }
    }

    /// <summary>Flushes the open run into <paramref name="writer"/> (call once, at the end).</summary>
    public void FinishInto(Lib0Writer writer)
    {
        Flush();
        _count = 0;
        writer.WriteBytes(_out.WrittenSpan);
    }
}

/// <summary>
/// lib0's <c>IntDiffOptRleEncoder</c> (keyClock, leftClock, rightClock columns): runs of equal
/// differences to the previous value, each <c>varInt(2·diff + (n &gt; 1))</c> then <c>varUint(n − 2)</c> when n &gt; 1.
/// </summary>
internal sealed class IntDiffOptRleEncoder : IDisposable
{
    public void Dispose() => _out.Dispose();

    private readonly Lib0Writer _out = new(64);
    private long _value;
    private long _diff;
    private long _count;

    public void Write(long value)
    {
        if (_diff == value - _value)
        {
            _value = value;
            _count++;
            return;
        }
        Flush();
        _count = 1;
        _diff = value - _value;
        _value = value;
    }

    private void Flush()
    {
        if (_count == 0)
        {
            return;
        }
        _out.WriteVarInt(_diff * 2 + (_count == 1 ? 0 : 1));
        if (_count > 1)
        {
            _out.WriteVarUint(_count - 2);
        }
    }

    public void FinishInto(Lib0Writer writer)
    {
        Flush();
        _count = 0;
        writer.WriteBytes(_out.WrittenSpan);
    }
}

/// <summary>
/// lib0's <c>StringEncoder</c> (update V2 string column): every string concatenated into one
/// varString, then their UTF-16 lengths as a <see cref="UintOptRleEncoder"/> stream.
/// </summary>
internal sealed class StringColumnEncoder : IDisposable
{
    public void Dispose() => _lengths.Dispose();

    private readonly StringBuilder _text = new();
    private readonly UintOptRleEncoder _lengths = new();

    public void Write(ReadOnlySpan<char> s)
    {
        _text.Append(s);
        _lengths.Write(s.Length);
    }

    public void FinishInto(Lib0Writer writer)
    {
        // Concatenated before encoding, as lib0 does: a surrogate pair split across two strings
        // is encoded as one code point.
        writer.WriteVarString(_text.ToString());
        _lengths.FinishInto(writer);
    }
}
