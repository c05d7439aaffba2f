using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace CrdtCollab.Crdt.Internal.Lib0;

/// <summary>
/// Reads lib0 primitives from untrusted bytes. Every read checks the remaining length first,
/// varints are capped at 2^53−1 (what a JS peer can represent), and every failure is an
/// <see cref="UpdateFormatException"/> that names the byte offset.
/// </summary>
internal ref struct Lib0Reader
{
    /// <summary>The largest integer a JavaScript peer can represent exactly.</summary>
    public const long MaxSafeInteger = (1L << 53) - 1;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    public Lib0Reader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    public readonly int Position => _pos;

    public readonly int Remaining => _data.Length - _pos;

    public readonly bool HasContent => _pos < _data.Length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadByte()
    {
        if ((uint)_pos >= (uint)_data.Length)
        {
            ThrowTruncated(1);
        }
        return _data[_pos++];
    }

    /// <summary>Reads an unsigned LEB128 integer (at most 2^53−1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ReadVarUint()
    {
        // Fast path: one byte, the overwhelmingly common case for lengths, refs and small clocks.
        if ((uint)_pos < (uint)_data.Length)
        {
            byte b = _data[_pos];
            if (b < 0x80)
            {
                _pos++;
                return b;
            }
        }
        return ReadVarUintSlow();
    }

    // Optimized from the first call: see "Cold loads" in ARCHITECTURE.md.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long ReadVarUintSlow()
    {
        int start = _pos;
        int pos = start;
        var data = _data;
        // Two and three bytes (up to 2^21: the clocks of origins in a long document) without
        // the general loop's per-byte range checks.
        if ((uint)(pos + 2) < (uint)data.Length && data[pos] >= 0x80)
        {
            uint b0 = data[pos] & 0x7Fu;
            uint b1 = data[pos + 1];
            if (b1 < 0x80)
            {
                _pos = pos + 2;
                return b0 | (b1 << 7);
            }
            uint b2 = data[pos + 2];
            if (b2 < 0x80)
            {
                _pos = pos + 3;
                return b0 | ((b1 & 0x7Fu) << 7) | (b2 << 14);
            }
        }
        long value = 0;
        int shift = 0;
        while (true)
        {
            if ((uint)pos >= (uint)data.Length)
            {
                _pos = pos;
                ThrowTruncated(1);
            }
            byte b = data[pos++];
            long group = b & 0x7F;
            // Up to shift 42 a group cannot pass 2^53−1 (127 << 42 < 2^49); client ids (up to
            // five bytes) and clocks never reach the check.
            if (shift > 42 && (shift >= 53 ? group != 0 : group > (MaxSafeInteger >> shift)))
            {
                ThrowHelper.Format("integer out of range (above 2^53-1)", start);
            }
            value |= group << shift;
            if (b < 0x80)
            {
                _pos = pos;
                return value;
            }
            shift += 7;
            if (shift > 63)
            {
                ThrowHelper.Format("integer out of range (varint too long)", start);
            }
        }
    }

    /// <summary>Reads a varUint that must fit a non-negative <see cref="int"/> (lengths, counts).</summary>
    public int ReadVarUintAsInt()
    {
        int start = _pos;
        long v = ReadVarUint();
        if (v > int.MaxValue)
        {
            ThrowHelper.Format($"length {v} is too large", start);
        }
        return (int)v;
    }

    /// <summary>
    /// Reads a count of items that each take at least <paramref name="minBytesPerItem"/> bytes,
    /// rejecting counts the remaining input cannot possibly hold (so a hostile count never
    /// drives a large allocation or a long loop).
    /// </summary>
    public int ReadCount(int minBytesPerItem)
    {
        int start = _pos;
        long v = ReadVarUint();
        if (v * minBytesPerItem > Remaining)
        {
            ThrowHelper.Format($"declared count {v} exceeds the {Remaining} bytes that remain", start);
        }
        return (int)v;
    }

    /// <summary>Reads a lib0 sign–magnitude varInt. Returns −0 as <c>-0.0</c> via <paramref name="negativeZero"/>.</summary>
    public long ReadVarInt(out bool negativeZero)
    {
        int start = _pos;
        byte b = ReadByte();
        bool negative = (b & 0x40) != 0;
        long value = b & 0x3F;
        int shift = 6;
        while ((b & 0x80) != 0)
        {
            b = ReadByte();
            long group = b & 0x7F;
            if (shift >= 53 ? group != 0 : group > (MaxSafeInteger >> shift))
            {
                ThrowHelper.Format("integer out of range (above 2^53-1)", start);
            }
            value |= group << shift;
            shift += 7;
            if (shift > 63)
            {
                ThrowHelper.Format("integer out of range (varint too long)", start);
            }
        }
        negativeZero = negative && value == 0;
        return negative ? -value : value;
    }

    /// <summary>Reads a length-prefixed byte array; the length is checked against what remains.</summary>
    public ReadOnlySpan<byte> ReadVarBytes()
    {
        int start = _pos;
        long len = ReadVarUint();
        if (len > Remaining)
        {
            ThrowHelper.Format($"declared length {len} exceeds the {Remaining} bytes that remain", start);
        }
        var span = _data.Slice(_pos, (int)len);
        _pos += (int)len;
        return span;
    }

    /// <summary>Reads a UTF-8 varString with a fatal decoder (invalid UTF-8 is an error; a BOM is kept).</summary>
    // Optimized from the first call: see "Cold loads" in ARCHITECTURE.md.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string ReadVarString()
    {
        int start = _pos;
        var bytes = ReadVarBytes();
        if (bytes.Length == 0)
        {
            return string.Empty;
        }
        // ASCII fast path: most keys, root names and typed text are ASCII.
        if (System.Text.Ascii.IsValid(bytes))
        {
            // ASCII maps byte for char; Latin-1 decoding does exactly that without a fallback check.
            return Encoding.Latin1.GetString(bytes);
        }
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            ThrowHelper.Format("string is not valid UTF-8", start);
            return null!;
        }
    }

    /// <summary>
    /// <see cref="ReadVarString"/> into <paramref name="buffer"/> (grown when too small) instead
    /// of a new string: the same checks, the same errors. Returns the number of UTF-16 units.
    /// </summary>
    public int ReadVarStringInto(ref char[] buffer)
    {
        int start = _pos;
        var bytes = ReadVarBytes();
        if (System.Text.Ascii.IsValid(bytes))
        {
            if (buffer.Length < bytes.Length)
            {
                buffer = new char[Math.Max(bytes.Length, buffer.Length * 2)];
            }
            return Encoding.Latin1.GetChars(bytes, buffer);
        }
        try
        {
            int count = StrictUtf8.GetCharCount(bytes);
            if (buffer.Length < count)
            {
                buffer = new char[Math.Max(count, buffer.Length * 2)];
            }
            return StrictUtf8.GetChars(bytes, buffer);
        }
        catch (DecoderFallbackException)
        {
            ThrowHelper.Format("string is not valid UTF-8", start);
            return 0;
        }
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > Remaining)
        {
            ThrowTruncated(count);
        }
        var span = _data.Slice(_pos, count);
        _pos += count;
        return span;
    }

    public float ReadFloat32() => BinaryPrimitives.ReadSingleBigEndian(ReadBytes(4));

    public double ReadFloat64() => BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8));

    public long ReadBigInt64() => BinaryPrimitives.ReadInt64BigEndian(ReadBytes(8));

    private readonly void ThrowTruncated(int wanted) =>
        ThrowHelper.Format($"unexpected end of input: needed {wanted} more byte(s), {Remaining} remain", _pos);
}
