namespace CrdtCollab.EventStore;

/// <summary>
/// What the caller believes a stream's version is when appending. The check runs under the
/// stream's lock and before any global position is taken, so a failed check costs nothing.
/// </summary>
public readonly record struct ExpectedVersion
{
    // Wire encoding shared with the append function: -1 any, -2 no stream, >= 0 exact.
    private const long AnyValue = -1;
    private const long NoStreamValue = -2;

    private ExpectedVersion(long value) => Value = value;

    /// <summary>Append whatever the stream's version is (CRDT updates commute, so this is the usual choice).</summary>
    public static ExpectedVersion Any { get; } = new(AnyValue);

    /// <summary>The stream must not exist yet (version 0).</summary>
    public static ExpectedVersion NoStream { get; } = new(NoStreamValue);

    /// <summary>The stream's current version must be exactly <paramref name="version"/> (0 means no stream).</summary>
    /// <param name="version">The version of the stream's last event, or 0 for an empty stream.</param>
    public static ExpectedVersion Exactly(long version)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        return new(version);
    }

    /// <summary>The encoded value: -1 any, -2 no stream, otherwise the exact version.</summary>
    internal long Value { get; }

    /// <summary>True for <see cref="Any"/>.</summary>
    public bool IsAny => Value == AnyValue;

    /// <summary>True for <see cref="NoStream"/>.</summary>
    public bool IsNoStream => Value == NoStreamValue;

    /// <inheritdoc />
    public override string ToString() => Value switch
    {
        AnyValue => "any",
        NoStreamValue => "no stream",
        _ => Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    internal static ExpectedVersion FromValue(long value) => new(value);
}
