using StackExchange.Redis;

namespace CrdtCollab.Host.ScaleOut;

internal static partial class ScaleOutLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Scale-out over Redis as node {Node} (channels {Prefix}*)")]
    public static partial void Started(ILogger logger, Guid node, string prefix);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Redis connection lost ({ConnectionType}, {FailureType}); fan-out paused, catching up from the log when it returns")]
    public static partial void ConnectionFailed(ILogger logger, ConnectionType connectionType, ConnectionFailureType failureType, Exception? exception);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Redis connection restored ({ConnectionType}); catching up {Count} documents from the log")]
    public static partial void ConnectionRestored(ILogger logger, ConnectionType connectionType, int count);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Could not subscribe to {Channel}; retried by the periodic check")]
    public static partial void SubscribeFailed(ILogger logger, RedisChannel channel, Exception exception);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Catch-up of document {DocumentId} from the log failed; retried by the periodic check")]
    public static partial void CatchUpFailed(ILogger logger, string documentId, Exception exception);

    [LoggerMessage(EventId = 305, Level = LogLevel.Information, Message = "Document {DocumentId} caught up from the log: {Events} events to version {Version}, {Added} added something")]
    public static partial void CaughtUp(ILogger logger, string documentId, int events, long version, int added);

    [LoggerMessage(EventId = 306, Level = LogLevel.Warning, Message = "Dropped a malformed message on {Channel}")]
    public static partial void BadMessage(ILogger logger, RedisChannel channel, Exception? exception);

    [LoggerMessage(EventId = 307, Level = LogLevel.Debug, Message = "Publish to {Channel} failed; the peers catch up from the log")]
    public static partial void PublishFailed(ILogger logger, RedisChannel channel, Exception exception);

    [LoggerMessage(EventId = 308, Level = LogLevel.Warning, Message = "Periodic catch-up check failed")]
    public static partial void CheckFailed(ILogger logger, Exception exception);
}
