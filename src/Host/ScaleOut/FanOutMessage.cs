using System.Buffers.Binary;
using CrdtCollab.Host.Broadcast;

namespace CrdtCollab.Host.ScaleOut;

/// <summary>
/// One message on a document's Redis channel: <c>[1 version][1 kind][16 node][16 replica][8 sequence][payload]</c>.
/// The node id lets a node skip its own messages; (replica, sequence) numbers each loaded copy's
/// messages 1, 2, 3… so a receiver notices a lost one and catches up from the log.
/// </summary>
internal readonly record struct FanOutMessage(OutgoingMessageKind Kind, Guid Node, Guid Replica, long Sequence, ReadOnlyMemory<byte> Payload)
{
    private const byte Version = 1;
    private const int HeaderLength = 1 + 1 + 16 + 16 + 8;

    public byte[] Encode()
    {
        var bytes = new byte[HeaderLength + Payload.Length];
        bytes[0] = Version;
        bytes[1] = (byte)Kind;
        Node.TryWriteBytes(bytes.AsSpan(2, 16));
        Replica.TryWriteBytes(bytes.AsSpan(18, 16));
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(34, 8), Sequence);
        Payload.Span.CopyTo(bytes.AsSpan(HeaderLength));
        return bytes;
    }

    public static bool TryDecode(byte[]? bytes, out FanOutMessage message)
    {
        message = default;
        if (bytes is null || bytes.Length < HeaderLength || bytes[0] != Version || bytes[1] > (byte)OutgoingMessageKind.Awareness)
        {
            return false;
        }
        message = new FanOutMessage(
            (OutgoingMessageKind)bytes[1],
            new Guid(bytes.AsSpan(2, 16)),
            new Guid(bytes.AsSpan(18, 16)),
            BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(34, 8)),
            bytes.AsMemory(HeaderLength));
        return true;
    }
}
