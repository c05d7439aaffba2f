using Microsoft.Extensions.Logging;

namespace CrdtCollab.Progress.Bridge;

internal static partial class BridgeLog
{
    [LoggerMessage(1, LogLevel.Warning, "Drawing {DocumentId}: update at position {Position} could not be decoded; skipped")]
    public static partial void Malformed(ILogger logger, string documentId, long position, Exception exception);

    [LoggerMessage(2, LogLevel.Debug, "Bridge batch up to {Position}: {Updates} drawing update(s), {Changes} milestone change(s)")]
    public static partial void Batch(ILogger logger, long position, int updates, int changes);

    [LoggerMessage(3, LogLevel.Information, "Bridge saw a batch starting at {Position}, at or before what it had seen ({Seen}): replicas dropped and rebuilt from the log")]
    public static partial void Redelivered(ILogger logger, long position, long seen);
}
