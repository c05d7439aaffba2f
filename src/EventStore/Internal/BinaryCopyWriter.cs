using System.Buffers.Binary;
using System.Text;

namespace CrdtCollab.EventStore.Internal;

/// <summary>
/// Writes PostgreSQL's binary COPY format straight into a buffer that is flushed to the raw COPY
/// stream in large chunks. The typed importer costs an async call and a type lookup per field; for
/// small events the client's per-field work, not the server, was the pace-setter of a COPY append,
/// and a server receiving rows slower than it can insert them sits idle.
/// Layout (PostgreSQL docs, "COPY … Binary Format"): an 11-byte signature, an int32 flags word and an
/// int32 header-extension length; per row an int16 field count, then per field an int32 byte length
/// (-1 for NULL) and the value in the type's binary send format; an int16 -1 trailer.
/// </summary>
internal sealed class BinaryCopyWriter
{
    // timestamptz is microseconds since 2000-01-01 00:00:00 UTC.
    private static readonly long s_postgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private const int FlushAt = 60 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer = new byte[64 * 1024];
    private int _length;

    public BinaryCopyWriter(Stream stream)
    {
        _stream = stream;
        // The signature, byte by byte: "\xff" inside a UTF-8 string literal would become two bytes.
        ReadOnlySpan<byte> header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];
        header.CopyTo(Reserve(header.Length));
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), 0);
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), 0);
    }

    public void StartRow(short fields) => BinaryPrimitives.WriteInt16BigEndian(Reserve(2), fields);

    public void WriteNull() => BinaryPrimitives.WriteInt32BigEndian(Reserve(4), -1);

    public void WriteInt64(long value)
    {
        var span = Reserve(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], value);
    }

    public void WriteUuid(Guid value)
    {
        var span = Reserve(20);
        BinaryPrimitives.WriteInt32BigEndian(span, 16);
        // PostgreSQL's uuid is the RFC 4122 byte string, which .NET calls big-endian.
        value.TryWriteBytes(span[4..], bigEndian: true, out _);
    }

    public void WriteTimestampTz(DateTimeOffset value)
    {
        var span = Reserve(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], (value.UtcTicks - s_postgresEpochTicks) / TimeSpan.TicksPerMicrosecond);
    }

    public void WriteText(string value)
    {
        var span = Reserve(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var written = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, written);
        // Reserve counted the worst case; give back what UTF-8 did not use.
        _length -= span.Length - 4 - written;
    }

    public void WriteBytes(byte[] value)
    {
        var span = Reserve(4 + value.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, value.Length);
        value.CopyTo(span[4..]);
    }

    public void WriteInt64OrNull(long? value)
    {
        if (value is { } v)
        {
            WriteInt64(v);
        }
        else
        {
            WriteNull();
        }
    }

    public void WriteUuidOrNull(Guid? value)
    {
        if (value is { } v)
        {
            WriteUuid(v);
        }
        else
        {
            WriteNull();
        }
    }

    public void WriteTextOrNull(string? value)
    {
        if (value is null)
        {
            WriteNull();
        }
        else
        {
            WriteText(value);
        }
    }

    /// <summary>Sends what is buffered once it passes the flush mark; call between rows.</summary>
    public ValueTask FlushIfFullAsync(CancellationToken cancellationToken) =>
        _length >= FlushAt ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;

    /// <summary>Writes the trailer and sends everything buffered.</summary>
    public ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        BinaryPrimitives.WriteInt16BigEndian(Reserve(2), -1);
        return FlushAsync(cancellationToken);
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken);
        _length = 0;
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            // Only a field larger than the flush mark gets here (the caller flushes between rows).
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
