namespace CrdtCollab.Property.Tests.Protocols;

/// <summary>A clock the test moves by hand (Microsoft.Extensions.TimeProvider.Testing is not referenced).</summary>
internal sealed class FakeTimeProvider(long startUnixMs = 1_700_000_000_000) : TimeProvider
{
    public long NowMs { get; private set; } = startUnixMs;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);

    public void Advance(long ms) => NowMs += ms;
}
