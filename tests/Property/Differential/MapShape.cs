namespace CrdtCollab.Property.Tests.Differential;

public sealed class MapShape : Shape
{
    public SortedDictionary<string, Shape?> Entries { get; set; } = new(StringComparer.Ordinal);

    public override Shape Clone() => new MapShape { Entries = new SortedDictionary<string, Shape?>(Entries.ToDictionary(kv => kv.Key, kv => kv.Value?.Clone()), StringComparer.Ordinal) };
}
