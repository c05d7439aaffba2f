using Microsoft.Extensions.Logging;

namespace CrdtCollab.Progress.Import;

/// <summary>Log messages of the import.</summary>
internal static partial class ImportLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Import {ImportId} into {ProjectId} rejected: {Errors} errors, nothing stored")]
    public static partial void Rejected(ILogger logger, string importId, string projectId, long errors);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Import {ImportId} into {ProjectId} stored: {Drawings} drawings and {Components} components added or updated")]
    public static partial void Succeeded(ILogger logger, string importId, string projectId, int drawings, int components);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Import {ImportId} into {ProjectId} failed while storing")]
    public static partial void Failed(ILogger logger, Exception exception, string importId, string projectId);
}
