namespace CrdtCollab.Progress.Sample;

/// <summary>A clock the sample loader sets to past days, so the update log stamps history in the past.</summary>
public sealed class SampleClock : TimeProvider
{
    private long _ticks = DateTimeOffset.UtcNow.UtcTicks;

    /// <summary>The time every append reads.</summary>
    public DateTimeOffset Now
    {
        get => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _ticks, value.UtcTicks);
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Now;
}
