using CrdtCollab.Crdt.Internal.Content;
using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt.Types;

/// <summary>A custom XML node (a map with a hook name) rendered by the application.</summary>
public sealed class YXmlHook : YMap
{
    /// <summary>Creates a preliminary hook.</summary>
    public YXmlHook(string hookName) => HookName = hookName;

    /// <summary>The hook's name.</summary>
    public string HookName { get; }

    internal override int TypeRef => ContentType.YXmlHookRef;

    internal override YType CreateEmpty() => new YXmlHook(HookName);

    internal override void WriteTypeExtra(Lib0Writer writer) => writer.WriteVarString(HookName);
}
