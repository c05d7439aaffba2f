using Microsoft.Extensions.Logging;

namespace CrdtCollab.EventStore.Internal;

/// <summary>Source-generated log messages of the event store.</summary>
internal static partial class EventStoreLog
{
    [LoggerMessage(1, LogLevel.Information, "Event store schema {Schema}: {Count} migration(s) applied")]
    public static partial void Migrated(ILogger logger, string schema, int count);

    [LoggerMessage(2, LogLevel.Information, "Projection {Projection} is now the leader on this node")]
    public static partial void BecameLeader(ILogger logger, string projection);

    [LoggerMessage(3, LogLevel.Warning, "Projection {Projection} failed or lost its connection; it will retry from its checkpoint")]
    public static partial void DaemonConnectionLost(ILogger logger, string projection, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Projection {Projection} reset for rebuild")]
    public static partial void Rebuilding(ILogger logger, string projection);

    [LoggerMessage(5, LogLevel.Debug, "Projection {Projection} applied {Count} event(s) up to {Position}")]
    public static partial void Applied(ILogger logger, string projection, int count, long position);
}
