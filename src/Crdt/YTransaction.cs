using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Structs;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt;

/// <summary>
/// The unit of change. Every edit happens inside one; when the outermost transaction ends the
/// document garbage-collects, merges structs and emits one update (see <see cref="YDoc.UpdateV1"/>).
/// </summary>
public sealed class YTransaction
{
    internal YTransaction(YDoc doc, object? origin, bool local)
    {
        Doc = doc;
        Origin = origin;
        Local = local;
        BeforeState = doc.Store.GetStateVector();
    }

    /// <summary>The document this transaction changes.</summary>
    public YDoc Doc { get; }

    /// <summary>What started the transaction (passed through to update observers).</summary>
    public object? Origin { get; }

    /// <summary>True for local edits, false while applying a remote update.</summary>
    public bool Local { get; internal set; }

    internal readonly DeleteSet DeleteSet = new();

    internal Dictionary<long, long> BeforeState;

    internal Dictionary<long, long>? AfterState;

    /// <summary>Right parts of splits, re-merged at the end of the transaction.</summary>
    internal readonly List<StructBase> MergeStructs = [];

    /// <summary>Types changed in this transaction, with the map keys that changed (null = list part).</summary>
    internal readonly Dictionary<YType, HashSet<string?>> Changed = [];

    internal void AddChangedType(YType type, string? parentSub)
    {
        var item = type.ItemInternal;
        if (item is null || (BeforeState.TryGetValue(item.Client, out long before) ? item.Clock < before : false) && !item.Deleted)
        {
            if (!Changed.TryGetValue(type, out var subs))
            {
                Changed[type] = subs = [];
            }
            subs.Add(parentSub);
        }
    }
}
