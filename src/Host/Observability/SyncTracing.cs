using System.Diagnostics;

namespace CrdtCollab.Host.Observability;

/// <summary>The update path's spans (<c>CrdtCollab.Sync</c>).</summary>
internal static class SyncTracing
{
    public const string SourceName = "CrdtCollab.Sync";

    public static readonly ActivitySource Source = new(SourceName);
}
