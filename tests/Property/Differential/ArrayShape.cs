namespace CrdtCollab.Property.Tests.Differential;

public sealed class ArrayShape : Shape
{
    public List<Shape?> Items { get; set; } = [];

    public override Shape Clone() => new ArrayShape { Items = Items.Select(i => i?.Clone()).ToList() };
}
