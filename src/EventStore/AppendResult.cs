namespace CrdtCollab.EventStore;

/// <summary>Where the events of one <see cref="AppendRequest"/> landed.</summary>
public sealed record AppendResult
{
    internal AppendResult(Guid streamId, long[] streamVersions, long[] globalPositions, bool duplicate)
    {
        StreamId = streamId;
        StreamVersions = streamVersions;
        GlobalPositions = globalPositions;
        Duplicate = duplicate;
    }

    /// <summary>The stream appended to.</summary>
    public Guid StreamId { get; }

    /// <summary>Stream version of each event, in request order.</summary>
    public IReadOnlyList<long> StreamVersions { get; }

    /// <summary>Global position of each event, in request order.</summary>
    public IReadOnlyList<long> GlobalPositions { get; }

    /// <summary>
    /// True when every event's update id was already stored: nothing was written and the
    /// positions are those of the original append.
    /// </summary>
    public bool Duplicate { get; }

    /// <summary>The stream version after the last event of this request.</summary>
    public long LastStreamVersion => StreamVersions[^1];
}
