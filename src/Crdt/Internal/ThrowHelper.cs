using System.Diagnostics.CodeAnalysis;

namespace CrdtCollab.Crdt.Internal;

/// <summary>Throws kept out of line so hot paths stay small.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void Format(string message, int offset) => throw new UpdateFormatException(message, offset);

    [DoesNotReturn]
    public static void Format(string message) => throw new UpdateFormatException(message);
}
