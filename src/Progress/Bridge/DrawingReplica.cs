using CrdtCollab.Crdt;

namespace CrdtCollab.Progress.Bridge;

/// <summary>The bridge's cached copy of one drawing's CRDT document, as of a stream version.</summary>
internal sealed class DrawingReplica
{
    public DrawingReplica(YDoc doc, long version, Dictionary<(string Component, string Milestone), object?> raw)
    {
        Doc = doc;
        Version = version;
        Raw = raw;
    }

    public YDoc Doc { get; }

    /// <summary>The last stream version applied to <see cref="Doc"/>.</summary>
    public long Version { get; set; }

    /// <summary>The document's raw milestone values after <see cref="Version"/> (to tell which keys an update changed).</summary>
    public Dictionary<(string Component, string Milestone), object?> Raw { get; set; }

    public long LastUsed { get; set; }
}
