namespace CrdtCollab.Host.Observability;

/// <summary>Log messages of the observability layer (source-generated).</summary>
internal static partial class ObservabilityLog
{
    [LoggerMessage(1, LogLevel.Warning, "Reading the lag of projection {Projection} failed")]
    public static partial void ProjectionLagFailed(ILogger logger, string projection, Exception e);
}
