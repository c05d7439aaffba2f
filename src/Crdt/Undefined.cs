namespace CrdtCollab.Crdt;

/// <summary>
/// The JavaScript <c>undefined</c> value. Yjs content (the lib0 Any encoding) distinguishes
/// <c>undefined</c> from <c>null</c>; C# <see langword="null"/> stands for JS <c>null</c>, and this
/// singleton stands for JS <c>undefined</c>.
/// </summary>
public sealed class Undefined
{
    private Undefined()
    {
    }

    /// <summary>The one instance.</summary>
    public static Undefined Value { get; } = new();

    /// <summary>Returns <c>"undefined"</c>, as JavaScript's <c>String(undefined)</c> does.</summary>
    public override string ToString() => "undefined";
}
