using Microsoft.Extensions.Logging;

namespace CrdtCollab.Client;

internal static partial class SyncClientLog
{
    [LoggerMessage(1, LogLevel.Warning, "Sync of {DocumentId} refused by the server ({Reason}); retrying")]
    public static partial void Refused(ILogger logger, string documentId, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Connection for {DocumentId} lost; reconnecting")]
    public static partial void ConnectionLost(ILogger logger, Exception error, string documentId);

    [LoggerMessage(3, LogLevel.Warning, "Applying a broadcast update to {DocumentId} failed; resyncing")]
    public static partial void BroadcastFailed(ILogger logger, Exception error, string documentId);

    [LoggerMessage(4, LogLevel.Warning, "Applying an awareness update to {DocumentId} failed")]
    public static partial void AwarenessFailed(ILogger logger, Exception error, string documentId);

    [LoggerMessage(5, LogLevel.Error, "An event handler of the client for {DocumentId} threw")]
    public static partial void HandlerFailed(ILogger logger, Exception error, string documentId);

    [LoggerMessage(7, LogLevel.Warning, "Access to {DocumentId} refused by the server ({Reason}); the client stops")]
    public static partial void AccessRefused(ILogger logger, string documentId, string reason);

    [LoggerMessage(6, LogLevel.Debug, "{Step} for {DocumentId} failed")]
    public static partial void StepFailed(ILogger logger, Exception error, string step, string documentId);
}
