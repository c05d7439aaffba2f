namespace CrdtCollab.Property.Tests.Differential;

/// <summary>A text's visible UTF-16 units (embeds as U+FFFC), so ops can avoid splitting surrogate pairs.</summary>
public sealed class TextShape : Shape
{
    public System.Text.StringBuilder Str { get; set; } = new();

    public int Len => Str.Length;

    /// <summary>False between the halves of a surrogate pair.</summary>
    public bool IsBoundary(int i) => i <= 0 || i >= Str.Length || !(char.IsHighSurrogate(Str[i - 1]) && char.IsLowSurrogate(Str[i]));

    public override Shape Clone() => new TextShape { Str = new System.Text.StringBuilder(Str.ToString()) };
}
