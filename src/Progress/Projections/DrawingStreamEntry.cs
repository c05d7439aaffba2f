namespace CrdtCollab.Progress.Projections;

/// <summary>
/// Registry row that maps a CRDT log stream id back to its drawing (id = the stream id). The log only
/// stores a name-based UUID of the document id, which cannot be reversed, so the projection of
/// <see cref="Domain.DrawingsImported"/> records the mapping and the bridge looks streams up here.
/// </summary>
public sealed class DrawingStreamEntry
{
    /// <summary>The stream id in the CRDT update log.</summary>
    public Guid Id { get; set; }

    /// <summary>The drawing's CRDT document id.</summary>
    public string DocumentId { get; set; } = "";

    /// <summary>Project.</summary>
    public string ProjectId { get; set; } = "";

    /// <summary>Drawing.</summary>
    public string DrawingId { get; set; } = "";
}
