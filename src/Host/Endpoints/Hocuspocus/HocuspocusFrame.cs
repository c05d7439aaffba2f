using System.Net.WebSockets;
using System.Text;

namespace CrdtCollab.Host.Endpoints.Hocuspocus;

/// <summary>
/// Hocuspocus frames: <c>varString(documentName) varUint(type) …</c>. For types 0, 1 and 3 the
/// bytes after the name are exactly a y-websocket frame, so those are handed on unchanged.
/// </summary>
internal static class HocuspocusFrame
{
    /// <summary>Auth sub-types (@hocuspocus/common).</summary>
    public const int AuthToken = 0;
    public const int AuthPermissionDenied = 1;
    public const int AuthAuthenticated = 2;

    // A document name is at most 128 characters; a session-aware provider appends "\0" + a
    // short session id. Anything longer is not a name.
    private const int MaxNameBytes = 512;

    /// <summary>Reads the leading document name; the rest of the frame starts at <paramref name="consumed"/>.</summary>
    /// <exception cref="FrameRejectedException">Truncated or over-long name.</exception>
    public static string ReadName(ReadOnlySpan<byte> frame, out int consumed)
    {
        int pos = 0;
        long length = ReadVarUint(frame, ref pos);
        if (length > MaxNameBytes || length > frame.Length - pos)
        {
            throw Bad($"document name of {length} bytes");
        }
        consumed = pos + (int)length;
        return Encoding.UTF8.GetString(frame.Slice(pos, (int)length));
    }

    /// <summary>Reads a <c>varUint</c> at <paramref name="pos"/> (at most 53 bits, as lib0).</summary>
    public static long ReadVarUint(ReadOnlySpan<byte> frame, ref int pos)
    {
        long value = 0;
        for (int shift = 0; shift < 53; shift += 7)
        {
            if (pos >= frame.Length)
            {
                throw Bad("truncated varUint");
            }
            byte b = frame[pos++];
            value |= (long)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw Bad("varUint longer than 53 bits");
    }

    /// <summary>Reads a <c>varString</c> of at most <paramref name="maxBytes"/> bytes.</summary>
    public static string ReadVarString(ReadOnlySpan<byte> frame, ref int pos, int maxBytes)
    {
        long length = ReadVarUint(frame, ref pos);
        if (length > maxBytes || length > frame.Length - pos)
        {
            throw Bad($"string of {length} bytes");
        }
        var s = Encoding.UTF8.GetString(frame.Slice(pos, (int)length));
        pos += (int)length;
        return s;
    }

    /// <summary><c>varString(name)</c> followed by <paramref name="inner"/>.</summary>
    public static byte[] Prefix(string name, ReadOnlySpan<byte> inner)
    {
        int nameBytes = Encoding.UTF8.GetByteCount(name);
        var result = new byte[VarUintLength(nameBytes) + nameBytes + inner.Length];
        int pos = WriteVarUint(result, 0, nameBytes);
        pos += Encoding.UTF8.GetBytes(name, result.AsSpan(pos));
        inner.CopyTo(result.AsSpan(pos));
        return result;
    }

    /// <summary>Hocuspocus's scopes: <c>read-write</c> or <c>readonly</c>.</summary>
    public static string ScopeOf(Security.Role role) => Security.RoleNames.CanWrite(role) ? "read-write" : "readonly";

    public static byte[] Authenticated(string name, string scope) => Prefix(name, Inner(HocuspocusMessageType.Auth, AuthAuthenticated, scope));

    public static byte[] PermissionDenied(string name, string reason) => Prefix(name, Inner(HocuspocusMessageType.Auth, AuthPermissionDenied, reason));

    /// <summary>Tells the provider an update was saved (1) or not (0); it counts unsynced changes down on 1.</summary>
    public static byte[] SyncStatus(string name, bool saved) => Prefix(name, [(byte)HocuspocusMessageType.SyncStatus, saved ? (byte)1 : (byte)0]);

    private static byte[] Inner(HocuspocusMessageType type, int subtype, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var result = new byte[2 + VarUintLength(bytes.Length) + bytes.Length];
        result[0] = (byte)type;
        result[1] = (byte)subtype;
        int pos = WriteVarUint(result, 2, bytes.Length);
        bytes.CopyTo(result.AsSpan(pos));
        return result;
    }

    private static int VarUintLength(long value)
    {
        int n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }
        return n;
    }

    private static int WriteVarUint(Span<byte> to, int pos, long value)
    {
        while (value >= 0x80)
        {
            to[pos++] = (byte)(0x80 | (value & 0x7F));
            value >>= 7;
        }
        to[pos++] = (byte)value;
        return pos;
    }

    private static FrameRejectedException Bad(string what) => new(WebSocketCloseStatus.InvalidPayloadData, "malformed Hocuspocus frame: " + what);
}
