using System.Security.Cryptography;
using System.Text;

namespace CrdtCollab.Host.LiveDocuments;

/// <summary>
/// Maps a document id (the name in the URL) to its event-store stream id: a name-based UUID
/// (RFC 9562 version 5, SHA-1) in our own namespace, so every node and every restart agrees
/// without a lookup table.
/// </summary>
public static class DocumentStreamId
{
    // Fixed forever: changing it would orphan every stored document.
    private static readonly Guid Namespace = new("8d3f6f1e-2b4a-5c7d-9e10-4f2a6b8c0d1e");

    /// <summary>The stream id of <paramref name="documentId"/>.</summary>
    public static Guid For(string documentId)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        var name = Encoding.UTF8.GetBytes(documentId);
        var input = new byte[16 + name.Length];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input, 16);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 9562 defines version 5 on SHA-1; this names, it does not protect.
        SHA1.HashData(input, hash);
#pragma warning restore CA5350
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
