using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt.Protocols;

/// <summary>
/// The y-websocket frame layout (spec §8.4): every binary frame is <c>varUint(messageType)</c>
/// followed by that type's payload. y-websocket 2.x/3.x read exactly one message per frame, so
/// every encoder here produces one frame holding one message.
/// </summary>
public static class YWebSocketEnvelope
{
    /// <summary>The only auth subtype y-protocols defines.</summary>
    public const int AuthPermissionDenied = 0;

    /// <summary>Reads the message type of a frame.</summary>
    /// <param name="frame">The frame bytes.</param>
    /// <returns>The message type.</returns>
    /// <exception cref="UpdateFormatException">Empty frame or an unknown message type.</exception>
    public static YWebSocketMessageType ReadMessageType(ReadOnlySpan<byte> frame)
    {
        var r = new Lib0Reader(frame);
        return ReadType(ref r);
    }

    /// <summary>Wraps an already encoded sync message: <c>00 message</c>.</summary>
    /// <param name="syncMessage">A message from <see cref="SyncProtocol"/>.</param>
    /// <returns>The frame bytes.</returns>
    public static byte[] EncodeSync(ReadOnlySpan<byte> syncMessage)
    {
        var frame = new byte[syncMessage.Length + 1];
        frame[0] = (byte)YWebSocketMessageType.Sync;
        syncMessage.CopyTo(frame.AsSpan(1));
        return frame;
    }

    /// <summary>Encodes <c>00 00 varBytes(stateVector)</c>.</summary>
    /// <param name="stateVector">The V1 state vector.</param>
    /// <returns>The frame bytes.</returns>
    public static byte[] EncodeSyncStep1(ReadOnlySpan<byte> stateVector) => EncodeSyncFrame(SyncMessageType.SyncStep1, stateVector);

    /// <summary>Encodes <c>00 01 varBytes(update)</c>.</summary>
    /// <param name="update">The V1 update answering a SyncStep1.</param>
    /// <returns>The frame bytes.</returns>
    public static byte[] EncodeSyncStep2(ReadOnlySpan<byte> update) => EncodeSyncFrame(SyncMessageType.SyncStep2, update);

    /// <summary>Encodes <c>00 02 varBytes(update)</c>.</summary>
    /// <param name="update">The V1 incremental update.</param>
    /// <returns>The frame bytes; build it once and send it to every connection.</returns>
    public static byte[] EncodeUpdate(ReadOnlySpan<byte> update) => EncodeSyncFrame(SyncMessageType.Update, update);

    /// <summary>Encodes <c>01 varBytes(awarenessUpdate)</c>.</summary>
    /// <param name="awarenessUpdate">An update from <see cref="Awareness.EncodeUpdate"/>.</param>
    /// <returns>The frame bytes.</returns>
    public static byte[] EncodeAwareness(ReadOnlySpan<byte> awarenessUpdate)
    {
        using var w = new Lib0Writer(awarenessUpdate.Length + 6);
        w.WriteVarUint((long)YWebSocketMessageType.Awareness);
        w.WriteVarBytes(awarenessUpdate);
        return w.ToArray();
    }

    /// <summary>Encodes <c>02 00 varString(reason)</c>, the permission-denied auth message.</summary>
    /// <param name="reason">The reason shown to the client.</param>
    /// <returns>The frame bytes.</returns>
    public static byte[] EncodePermissionDenied(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        using var w = new Lib0Writer(reason.Length + 8);
        w.WriteVarUint((long)YWebSocketMessageType.Auth);
        w.WriteVarUint(AuthPermissionDenied);
        w.WriteVarString(reason);
        return w.ToArray();
    }

    /// <summary>Encodes the one-byte query-awareness frame <c>03</c>.</summary>
    /// <returns>The frame bytes.</returns>
    public static byte[] EncodeQueryAwareness() => [(byte)YWebSocketMessageType.QueryAwareness];

    /// <summary>
    /// Encodes the answer to a query-awareness frame: <c>01 varBytes(update)</c> holding every client
    /// whose state <paramref name="awareness"/> currently holds.
    /// </summary>
    /// <param name="awareness">The awareness instance to report.</param>
    /// <returns>The frame bytes.</returns>
    public static byte[] EncodeAwarenessOfAllStates(Awareness awareness)
    {
        ArgumentNullException.ThrowIfNull(awareness);
        return EncodeAwareness(awareness.EncodeUpdate(awareness.GetStates().Keys));
    }

    /// <summary>Decodes the sync message inside a <c>00</c> frame.</summary>
    /// <param name="frame">The frame bytes.</param>
    /// <returns>The sync message (the payload is a copy).</returns>
    /// <exception cref="UpdateFormatException">Not a sync frame, or a malformed message.</exception>
    public static SyncMessage DecodeSync(ReadOnlySpan<byte> frame)
    {
        var r = new Lib0Reader(frame);
        ExpectType(ref r, YWebSocketMessageType.Sync);
        var type = SyncProtocol.Read(ref r, out var payload);
        return new SyncMessage(type, payload.ToArray());
    }

    /// <summary>Decodes the awareness update inside a <c>01</c> frame.</summary>
    /// <param name="frame">The frame bytes.</param>
    /// <returns>The awareness update bytes (a copy).</returns>
    /// <exception cref="UpdateFormatException">Not an awareness frame, or truncated.</exception>
    public static byte[] DecodeAwareness(ReadOnlySpan<byte> frame)
    {
        var r = new Lib0Reader(frame);
        ExpectType(ref r, YWebSocketMessageType.Awareness);
        return r.ReadVarBytes().ToArray();
    }

    /// <summary>Decodes the reason of a permission-denied auth frame (<c>02 00 varString</c>).</summary>
    /// <param name="frame">The frame bytes.</param>
    /// <returns>The reason.</returns>
    /// <exception cref="UpdateFormatException">Not an auth frame, an unknown auth subtype, or malformed.</exception>
    public static string DecodePermissionDenied(ReadOnlySpan<byte> frame)
    {
        var r = new Lib0Reader(frame);
        ExpectType(ref r, YWebSocketMessageType.Auth);
        int start = r.Position;
        long subtype = r.ReadVarUint();
        if (subtype != AuthPermissionDenied)
        {
            // y-protocols silently ignores other subtypes; none exist, so refusing them is safer.
            ThrowHelper.Format($"Unknown auth message type {subtype}", start);
        }
        return r.ReadVarString();
    }

    /// <summary>
    /// Handles a <c>00</c> frame as a y-websocket peer does: a SyncStep1 is answered with a
    /// <c>00 01</c> frame, a SyncStep2 or Update is applied to <paramref name="document"/>.
    /// </summary>
    /// <param name="frame">The frame bytes.</param>
    /// <param name="document">The local document.</param>
    /// <param name="origin">The transaction origin for applied updates (typically the connection).</param>
    /// <returns>The reply frame, or null when nothing is to be sent back.</returns>
    /// <exception cref="UpdateFormatException">Not a sync frame, a malformed message, or a malformed update.</exception>
    public static byte[]? HandleSync(ReadOnlySpan<byte> frame, ISyncDocument document, object? origin)
    {
        ArgumentNullException.ThrowIfNull(document);
        var r = new Lib0Reader(frame);
        ExpectType(ref r, YWebSocketMessageType.Sync);
        return SyncProtocol.Handle(ref r, document, origin, envelope: true);
    }

    /// <summary>Applies the awareness update inside a <c>01</c> frame.</summary>
    /// <param name="frame">The frame bytes.</param>
    /// <param name="awareness">The awareness instance to update.</param>
    /// <param name="origin">Reported to the awareness events (typically the connection).</param>
    /// <exception cref="UpdateFormatException">Malformed frame or update; no state is changed.</exception>
    public static void ApplyAwareness(ReadOnlySpan<byte> frame, Awareness awareness, object? origin)
    {
        ArgumentNullException.ThrowIfNull(awareness);
        var r = new Lib0Reader(frame);
        ExpectType(ref r, YWebSocketMessageType.Awareness);
        awareness.ApplyUpdate(r.ReadVarBytes(), origin);
    }

    private static byte[] EncodeSyncFrame(SyncMessageType type, ReadOnlySpan<byte> payload)
    {
        using var w = new Lib0Writer(payload.Length + 8);
        w.WriteVarUint((long)YWebSocketMessageType.Sync);
        SyncProtocol.Write(w, type, payload);
        return w.ToArray();
    }

    private static YWebSocketMessageType ReadType(ref Lib0Reader r)
    {
        int start = r.Position;
        long type = r.ReadVarUint();
        if (type > (long)YWebSocketMessageType.QueryAwareness)
        {
            ThrowHelper.Format($"Unknown message type {type}", start);
        }
        return (YWebSocketMessageType)type;
    }

    private static void ExpectType(ref Lib0Reader r, YWebSocketMessageType expected)
    {
        var actual = ReadType(ref r);
        if (actual != expected)
        {
            ThrowHelper.Format($"expected a {expected} frame, found {actual}", 0);
        }
    }
}
