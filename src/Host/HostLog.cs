namespace CrdtCollab.Host;

/// <summary>The sync server's log messages (source-generated: no boxing or formatting when off).</summary>
internal static partial class HostLog
{
    [LoggerMessage(1, LogLevel.Information, "Loaded document {DocumentId} at version {Version} ({Bytes} bytes)")]
    public static partial void DocumentLoaded(ILogger logger, string documentId, long version, long bytes);

    [LoggerMessage(2, LogLevel.Error, "Loading document {DocumentId} failed; it is not served")]
    public static partial void DocumentLoadFailed(ILogger logger, string documentId, Exception e);

    [LoggerMessage(3, LogLevel.Information, "Evicted idle document {DocumentId}")]
    public static partial void DocumentEvicted(ILogger logger, string documentId);

    [LoggerMessage(4, LogLevel.Warning, "Refused a message for document {DocumentId}: {Code} ({Detail})")]
    public static partial void UpdateRejected(ILogger logger, string documentId, string code, string detail);

    [LoggerMessage(5, LogLevel.Warning, "Committing {Count} updates failed (attempt {Attempt}); retrying in {DelayMs} ms")]
    public static partial void CommitFailed(ILogger logger, int count, int attempt, double delayMs, Exception e);

    [LoggerMessage(6, LogLevel.Information, "Storage is back after {Attempts} attempts")]
    public static partial void StorageRecovered(ILogger logger, int attempts);

    [LoggerMessage(7, LogLevel.Critical, "A batch of {Count} updates was refused by the store; its documents reload")]
    public static partial void BatchRefused(ILogger logger, int count, Exception e);

    [LoggerMessage(8, LogLevel.Debug, "Snapshot of {DocumentId} at version {Version} ({Bytes} bytes)")]
    public static partial void SnapshotWritten(ILogger logger, string documentId, long version, int bytes);

    [LoggerMessage(9, LogLevel.Warning, "Snapshot of {DocumentId} failed")]
    public static partial void SnapshotFailed(ILogger logger, string documentId, Exception e);

    [LoggerMessage(10, LogLevel.Information, "Connection {ConnectionId} ({Transport}) closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, string connectionId, string transport, string reason);

    [LoggerMessage(11, LogLevel.Warning, "Connection {ConnectionId} sent a bad frame: {Detail}")]
    public static partial void BadFrame(ILogger logger, string connectionId, string detail);

    [LoggerMessage(12, LogLevel.Information, "Shutting down: waiting for {Pending} uncommitted updates")]
    public static partial void ShutdownFlushing(ILogger logger, int pending);

    [LoggerMessage(13, LogLevel.Error, "Shutdown gave up on {Pending} uncommitted updates; their clients re-send them on resync")]
    public static partial void ShutdownAbandoned(ILogger logger, int pending);

    [LoggerMessage(14, LogLevel.Information, "{What}")]
    public static partial void Startup(ILogger logger, string what);

    [LoggerMessage(15, LogLevel.Information, "Role of {UserId} on {DocumentId} is now {Role}")]
    public static partial void RoleChanged(ILogger logger, string documentId, string userId, string role);

    [LoggerMessage(16, LogLevel.Warning, "Listening for permission changes failed; retrying")]
    public static partial void PermissionWatchFailed(ILogger logger, Exception e);

    [LoggerMessage(17, LogLevel.Debug, "Accepted update {UpdateId} for {DocumentId}: {Bytes} bytes to store")]
    public static partial void UpdateAccepted(ILogger logger, Guid updateId, string documentId, int bytes);

    [LoggerMessage(18, LogLevel.Debug, "Committed batch {BatchId}: {Count} updates of {Documents} documents in {ElapsedMs} ms")]
    public static partial void BatchCommitted(ILogger logger, Guid batchId, int count, int documents, double elapsedMs);

    [LoggerMessage(19, LogLevel.Information, "Connection {ConnectionId} ({Transport}) opened by {UserId}")]
    public static partial void ConnectionOpened(ILogger logger, string connectionId, string transport, string userId);
}
