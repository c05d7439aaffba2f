using System.Buffers;

namespace CrdtCollab.Host.Endpoints;

/// <summary>A received WebSocket message in a pooled buffer; dispose returns the buffer.</summary>
internal sealed class PooledMessage(byte[] buffer, int length) : IDisposable
{
    public ReadOnlySpan<byte> Span => buffer.AsSpan(0, length);

    public void Dispose() => ArrayPool<byte>.Shared.Return(buffer);
}
