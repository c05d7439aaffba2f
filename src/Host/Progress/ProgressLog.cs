namespace CrdtCollab.Host.Progress;

internal static partial class ProgressLog
{
    [LoggerMessage(1, LogLevel.Information, "Progress store ready in {Milliseconds} ms (Marten schema migrated, first query done); milestone bridge starting")]
    public static partial void Started(ILogger logger, long milliseconds);

    [LoggerMessage(2, LogLevel.Information, "Sample project {ProjectId} loaded: {Updates} updates of history")]
    public static partial void SampleLoaded(ILogger logger, string projectId, int updates);

    [LoggerMessage(3, LogLevel.Error, "Progress store could not be migrated; /api/progress answers 503")]
    public static partial void StartFailed(ILogger logger, Exception exception);
}
