namespace CrdtCollab.Crdt.Types;

/// <summary>
/// A root that an update named before the application asked for it by type. Roots are
/// untyped on the wire; the first Get* call converts it and adopts its content.
/// </summary>
internal sealed class YUntypedRoot : YType
{
    internal override int TypeRef => -1;

    internal override YType CreateEmpty() => new YUntypedRoot();

    public override object? ToJsonValue() => Undefined.Value;
}
