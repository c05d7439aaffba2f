using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace CrdtCollab.Crdt.Internal.Lib0;

/// <summary>
/// Writes lib0 primitives into a growable buffer rented from the shared pool. Dispose returns
/// the buffer; <see cref="ToArray"/> copies the written bytes out.
/// </summary>
internal sealed class Lib0Writer : IDisposable
{
    private byte[] _buffer;
    private int _pos;

    public Lib0Writer(int initialCapacity = 256)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    public int Length => _pos;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _pos);

    public byte[] ToArray() => _buffer.AsSpan(0, _pos).ToArray();

    public void Reset() => _pos = 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte b)
    {
        if (_pos == _buffer.Length)
        {
            Grow(1);
        }
        _buffer[_pos++] = b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteVarUint(long value)
    {
        if ((ulong)value < 0x80 && _pos < _buffer.Length)
        {
            _buffer[_pos++] = (byte)value;
            return;
        }
        WriteVarUintSlow((ulong)value);
    }

    private void WriteVarUintSlow(ulong value)
    {
        EnsureCapacity(10);
        while (value > 0x7F)
        {
            _buffer[_pos++] = (byte)(0x80 | (value & 0x7F));
            value >>= 7;
        }
        _buffer[_pos++] = (byte)value;
    }

    /// <summary>lib0 sign–magnitude varInt; <paramref name="negativeZero"/> writes the distinct −0 form (0x40).</summary>
    public void WriteVarInt(long value, bool negativeZero = false)
    {
        EnsureCapacity(10);
        bool negative = value < 0 || negativeZero;
        ulong magnitude = value < 0 ? (ulong)(-value) : (ulong)value;
        byte first = (byte)((magnitude > 0x3F ? 0x80 : 0) | (negative ? 0x40 : 0) | (int)(magnitude & 0x3F));
        _buffer[_pos++] = first;
        magnitude >>= 6;
        while (magnitude > 0)
        {
            _buffer[_pos++] = (byte)((magnitude > 0x7F ? 0x80 : 0) | (int)(magnitude & 0x7F));
            magnitude >>= 7;
        }
    }

    public void WriteVarBytes(ReadOnlySpan<byte> bytes)
    {
        WriteVarUint(bytes.Length);
        WriteBytes(bytes);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        EnsureCapacity(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_pos));
        _pos += bytes.Length;
    }

    /// <summary>
    /// UTF-8 varString. Lone surrogates become U+FFFD (ef bf bd), exactly as the JS TextEncoder does.
    /// </summary>
    public void WriteVarString(string s) => WriteVarString(s.AsSpan());

    public void WriteVarString(ReadOnlySpan<char> s)
    {
        int max = Encoding.UTF8.GetMaxByteCount(s.Length);
        if (max < 128)
        {
            // Short strings: encode once after reserving the one-byte prefix.
            EnsureCapacity(max + 1);
            int written = Encoding.UTF8.GetBytes(s, _buffer.AsSpan(_pos + 1));
            _buffer[_pos] = (byte)written;
            _pos += written + 1;
            return;
        }
        int count = Encoding.UTF8.GetByteCount(s);
        WriteVarUint(count);
        EnsureCapacity(count);
        _pos += Encoding.UTF8.GetBytes(s, _buffer.AsSpan(_pos));
    }

    public void WriteFloat32(float v)
    {
        EnsureCapacity(4);
        BinaryPrimitives.WriteSingleBigEndian(_buffer.AsSpan(_pos), v);
        _pos += 4;
    }

    public void WriteFloat64(double v)
    {
        EnsureCapacity(8);
        BinaryPrimitives.WriteDoubleBigEndian(_buffer.AsSpan(_pos), v);
        _pos += 8;
    }

    public void WriteBigInt64(long v)
    {
        EnsureCapacity(8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_pos), v);
        _pos += 8;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureCapacity(int extra)
    {
        if (_buffer.Length - _pos < extra)
        {
            Grow(extra);
        }
    }

    private void Grow(int extra)
    {
        int size = Math.Max(_buffer.Length * 2, _pos + extra);
        var next = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _pos).CopyTo(next);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
