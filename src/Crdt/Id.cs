namespace CrdtCollab.Crdt;

/// <summary>
/// A unique identifier of one unit of content: the creating client and that client's clock
/// when it created the unit.
/// </summary>
/// <param name="Client">The client id (up to 2^53−1).</param>
/// <param name="Clock">The client's clock for this unit.</param>
public readonly record struct Id(long Client, long Clock)
{
    /// <inheritdoc />
    public override string ToString() => $"({Client},{Clock})";
}
