namespace CrdtCollab.Property.Tests.Differential;

/// <summary>An XML fragment or element: child nodes (elements, or texts as <see cref="TextShape"/>) and attribute names.</summary>
public sealed class XmlShape : Shape
{
    public bool IsElement { get; set; }

    public List<Shape?> Children { get; set; } = [];

    public SortedSet<string> Attrs { get; set; } = new(StringComparer.Ordinal);

    public override Shape Clone() => new XmlShape { IsElement = IsElement, Children = Children.Select(c => c?.Clone()).ToList(), Attrs = new SortedSet<string>(Attrs, StringComparer.Ordinal) };
}
