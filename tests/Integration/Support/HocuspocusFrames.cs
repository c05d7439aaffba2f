using System.Text;
using CrdtCollab.Crdt.Protocols;

namespace CrdtCollab.Integration.Tests.Support;

/// <summary>Hocuspocus frames written by hand, as the stock provider writes them (docs/protocol.md).</summary>
public static class HocuspocusFrames
{
    public static byte[] Auth(string document, string? token) =>
        Prefix(document, [2, 0, .. VarString(token ?? ""), .. VarString("4.8.0")]);

    public static byte[] Sync(string document, byte[] yWebSocketFrame) => Prefix(document, yWebSocketFrame);

    public static byte[] Update(string document, byte[] update) => Prefix(document, YWebSocketEnvelope.EncodeUpdate(update));

    public static byte[] Prefix(string document, byte[] inner) => [.. VarString(document), .. inner];

    /// <summary>The address, type and (for auth) subtype of a server frame.</summary>
    public static (string Address, int Type, int Sub, string Text) Read(byte[] frame)
    {
        int pos = 0;
        var address = ReadString(frame, ref pos);
        int type = frame[pos++];
        int sub = pos < frame.Length ? frame[pos] : -1;
        string text = "";
        if (type == 2 && pos < frame.Length)
        {
            pos++;
            text = ReadString(frame, ref pos);
        }
        return (address, type, sub, text);
    }

    private static byte[] VarString(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        var length = new List<byte>();
        int n = bytes.Length;
        while (n >= 0x80)
        {
            length.Add((byte)(0x80 | (n & 0x7F)));
            n >>= 7;
        }
        length.Add((byte)n);
        return [.. length, .. bytes];
    }

    private static string ReadString(byte[] frame, ref int pos)
    {
        int length = 0, shift = 0;
        while (true)
        {
            byte b = frame[pos++];
            length |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
            shift += 7;
        }
        var s = Encoding.UTF8.GetString(frame, pos, length);
        pos += length;
        return s;
    }
}
