using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Protocols;

namespace CrdtCollab.Integration.Tests.Security;

/// <summary>
/// Hostile protocol messages from a seeded generator: real updates (from a random editing
/// session) damaged the ways a buggy or malicious client damages them — bit flips, truncation,
/// inserted garbage, inflated varints and lengths, wrong message types, replays, pure noise.
/// </summary>
public sealed class HostileInput
{
    private readonly Random _random;
    private readonly List<byte[]> _updates = [];

    public HostileInput(int seed)
    {
        _random = new Random(seed);
        var doc = new YDoc(new YDocOptions { ClientId = 900_000 + seed });
        doc.UpdateV1 += (_, e) => _updates.Add(e.Update);
        var text = doc.GetText("codemirror");
        var map = doc.GetMap("meta");
        for (int i = 0; i < 60; i++)
        {
            if (text.Length > 5 && _random.Next(4) == 0)
            {
                text.Delete(_random.Next(text.Length - 3), 2);
            }
            else if (_random.Next(5) == 0)
            {
                map.Set("k" + _random.Next(5), _random.Next(100));
            }
            else
            {
                text.Insert(_random.Next(text.Length + 1), new string((char)('a' + _random.Next(26)), _random.Next(1, 8)));
            }
        }
    }

    /// <summary>A damaged update payload (what goes inside a sync Update message).</summary>
    public byte[] Update()
    {
        var u = (byte[])_updates[_random.Next(_updates.Count)].Clone();
        switch (_random.Next(8))
        {
            case 0:
                for (int i = 0, n = _random.Next(1, 4); i < n; i++)
                {
                    u[_random.Next(u.Length)] ^= (byte)(1 << _random.Next(8));
                }
                return u;
            case 1:
                return u[.._random.Next(u.Length)];
            case 2:
                int at = _random.Next(u.Length);
                return [.. u[..at], .. Noise(_random.Next(1, 16)), .. u[at..]];
            case 3:
                // A declared count or length far past the bytes that follow.
                int p = _random.Next(Math.Min(u.Length, 4));
                return [.. u[..p], 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, .. u[(p + 1)..]];
            case 4:
                return Noise(_random.Next(0, 64));
            case 5:
                // A valid update again: must be acknowledged as adding nothing, never stored twice.
                return u;
            case 6:
                u[_random.Next(u.Length)] = (byte)_random.Next(256);
                return u;
            default:
                return [.. u, .. Noise(_random.Next(1, 8))];
        }
    }

    /// <summary>A damaged y-websocket-style frame: a bad type, a bad sync message, or a framed damaged update.</summary>
    public byte[] Frame() => _random.Next(6) switch
    {
        0 => [(byte)_random.Next(4, 256), .. Noise(_random.Next(0, 8))],
        1 => [0, (byte)_random.Next(3, 200), .. Noise(_random.Next(0, 8))],
        2 => [0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
        3 => [1, .. Noise(_random.Next(0, 24))],
        4 => YWebSocketEnvelope.EncodeSyncStep2(Update()),
        _ => YWebSocketEnvelope.EncodeUpdate(Update()),
    };

    private byte[] Noise(int length)
    {
        var b = new byte[length];
        _random.NextBytes(b);
        return b;
    }
}
