using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt.Protocols;

/// <summary>
/// The y-protocols sync messages (spec §8.1): <c>varUint(type) varBytes(payload)</c>. These are the
/// bytes inside a y-websocket frame after its leading message-type byte; see
/// <see cref="YWebSocketEnvelope"/> for the framed forms.
/// </summary>
public static class SyncProtocol
{
    /// <summary>Encodes a SyncStep1 message carrying a state vector.</summary>
    /// <param name="stateVector">The sender's V1 state vector.</param>
    /// <returns>The message bytes.</returns>
    public static byte[] EncodeSyncStep1(ReadOnlySpan<byte> stateVector) => Encode(SyncMessageType.SyncStep1, stateVector);

    /// <summary>Encodes a SyncStep1 message carrying the document's current state vector.</summary>
    /// <param name="document">The local document.</param>
    /// <returns>The message bytes.</returns>
    public static byte[] EncodeSyncStep1(ISyncDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return Encode(SyncMessageType.SyncStep1, document.EncodeStateVector());
    }

    /// <summary>Encodes a SyncStep2 message carrying an update.</summary>
    /// <param name="update">The V1 update answering a SyncStep1.</param>
    /// <returns>The message bytes.</returns>
    public static byte[] EncodeSyncStep2(ReadOnlySpan<byte> update) => Encode(SyncMessageType.SyncStep2, update);

    /// <summary>Encodes an Update message carrying an incremental update.</summary>
    /// <param name="update">The V1 update.</param>
    /// <returns>The message bytes.</returns>
    public static byte[] EncodeUpdate(ReadOnlySpan<byte> update) => Encode(SyncMessageType.Update, update);

    /// <summary>Encodes a sync message of any type.</summary>
    /// <param name="type">The message type.</param>
    /// <param name="payload">The state vector or update.</param>
    /// <returns>The message bytes.</returns>
    public static byte[] Encode(SyncMessageType type, ReadOnlySpan<byte> payload)
    {
        using var w = new Lib0Writer(payload.Length + 6);
        Write(w, type, payload);
        return w.ToArray();
    }

    /// <summary>
    /// Decodes one sync message. Bytes after the message are ignored, as y-protocols does.
    /// </summary>
    /// <param name="message">The message bytes.</param>
    /// <returns>The decoded message (the payload is a copy).</returns>
    /// <exception cref="UpdateFormatException">Truncated input or an unknown message type.</exception>
    public static SyncMessage Decode(ReadOnlySpan<byte> message) => Decode(message, out _);

    /// <summary>Decodes one sync message and reports how many bytes it took.</summary>
    /// <param name="message">The bytes, starting with a sync message.</param>
    /// <param name="bytesConsumed">The length of the decoded message.</param>
    /// <returns>The decoded message (the payload is a copy).</returns>
    /// <exception cref="UpdateFormatException">Truncated input or an unknown message type.</exception>
    public static SyncMessage Decode(ReadOnlySpan<byte> message, out int bytesConsumed)
    {
        var r = new Lib0Reader(message);
        var type = Read(ref r, out var payload);
        bytesConsumed = r.Position;
        return new SyncMessage(type, payload.ToArray());
    }

    /// <summary>
    /// Reads one sync message and acts on it as y-protocols' <c>readSyncMessage</c> does: a
    /// SyncStep1 is answered with a SyncStep2 computed from the received state vector; a SyncStep2
    /// or Update is applied to <paramref name="document"/> with <paramref name="origin"/>.
    /// </summary>
    /// <param name="message">The sync message bytes (without a y-websocket envelope byte).</param>
    /// <param name="document">The local document.</param>
    /// <param name="origin">The transaction origin for applied updates (typically the connection).</param>
    /// <returns>The SyncStep2 reply message, or null when there is nothing to send back.</returns>
    /// <exception cref="UpdateFormatException">
    /// Malformed message, or (propagated from the document) a malformed update. y-protocols logs and
    /// swallows apply errors; here the host decides.
    /// </exception>
    public static byte[]? ReadSyncMessage(ReadOnlySpan<byte> message, ISyncDocument document, object? origin)
    {
        ArgumentNullException.ThrowIfNull(document);
        var r = new Lib0Reader(message);
        return Handle(ref r, document, origin, envelope: false);
    }

    internal static void Write(Lib0Writer w, SyncMessageType type, ReadOnlySpan<byte> payload)
    {
        w.WriteVarUint((long)type);
        w.WriteVarBytes(payload);
    }

    internal static SyncMessageType Read(ref Lib0Reader r, out ReadOnlySpan<byte> payload)
    {
        int start = r.Position;
        long type = r.ReadVarUint();
        if (type > (long)SyncMessageType.Update)
        {
            ThrowHelper.Format($"Unknown message type {type}", start);
        }
        payload = r.ReadVarBytes();
        return (SyncMessageType)type;
    }

    /// <summary>Shared by the bare and the enveloped handlers; the reply gets the envelope byte when asked.</summary>
    internal static byte[]? Handle(ref Lib0Reader r, ISyncDocument document, object? origin, bool envelope)
    {
        var type = Read(ref r, out var payload);
        if (type != SyncMessageType.SyncStep1)
        {
            document.ApplyUpdate(payload, origin);
            return null;
        }
        byte[] update = document.EncodeStateAsUpdate(payload);
        using var w = new Lib0Writer(update.Length + 8);
        if (envelope)
        {
            w.WriteVarUint((long)YWebSocketMessageType.Sync);
        }
        Write(w, SyncMessageType.SyncStep2, update);
        return w.ToArray();
    }
}
