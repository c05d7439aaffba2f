using CrdtCollab.Crdt.Internal.Structs;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt.Internal;

/// <summary>
/// A transaction's bookkeeping (deletions, split parts, changed types, states before), kept
/// apart from the public <see cref="YTransaction"/> so that a document can reuse it: a
/// keystroke would otherwise allocate a delete set, its dictionary and lists, and a list of
/// split parts, all garbage a moment later. Only internal code reads it, and only until the
/// transaction's clean-up has finished, after which <see cref="YDoc"/> resets and reuses it.
/// </summary>
internal sealed class TransactionState
{
    public readonly DeleteSet DeleteSet = new();

    /// <summary>Right parts of splits (and re-mergeable deleted items), merged at the end.</summary>
    public readonly List<StructBase> MergeStructs = [];

    /// <summary>Types changed by a remote transaction (each once, see <see cref="YType.LastChangedBy"/>).</summary>
    public readonly List<YType> ChangedTypes = [];

    /// <summary>
    /// Per entry of <see cref="ChangedTypes"/>, the keys that changed (null: the list), in the
    /// order they first changed; kept only while the document has observers.
    /// </summary>
    public List<List<string?>?> ChangedSubs => _changedSubs ??= [];

    // Allocated on first use (only documents with observers use them).
    private List<List<string?>?>? _changedSubs;
    private OrderedDictionary<YType, List<YEvent>>? _changedParentTypes;

    public void AddChangedSub(int index, string? sub)
    {
        while (ChangedSubs.Count <= index)
        {
            ChangedSubs.Add(null);
        }
        var subs = ChangedSubs[index] ??= [];
        if (!subs.Contains(sub))
        {
            subs.Add(sub);
        }
    }

    /// <summary>The changed keys of the type at <paramref name="index"/> of <see cref="ChangedTypes"/> (empty when not kept).</summary>
    public IReadOnlyList<string?> SubsOf(int index) =>
        _changedSubs is { } all && index < all.Count && all[index] is { } subs ? subs : [];

    /// <summary>Each changed type and each of its ancestors, with the events under it (yjs's <c>changedParentTypes</c>); filled by the observer phase.</summary>
    public OrderedDictionary<YType, List<YEvent>> ChangedParentTypes => _changedParentTypes ??= new(ReferenceEqualityComparer.Instance);

    // The state before the transaction, per client, recorded on the first append (see YTransaction).
    public long FirstClient = -1;
    public long FirstBefore;
    public Dictionary<long, long>? MoreBefore;

    public bool StructsAppended;

    /// <summary>
    /// Set when a full state was loaded in one go (<c>FullStateLoader</c>), alone in its
    /// transaction: the loader has collected the deleted content and merged every pair of
    /// neighbours already, so the clean-up skips its collection and merge passes.
    /// </summary>
    public bool LoadedInOneGo;

    /// <summary>Clients that grew, with their state before, fixed when the clean-up starts.</summary>
    public List<KeyValuePair<long, long>>? ChangedClientsAtEnd;

    /// <summary>Forgets everything so the next transaction starts from an empty state; collections keep their capacity.</summary>
    public void Reset()
    {
        DeleteSet.Clear();
        MergeStructs.Clear();
        if (ChangedTypes.Count > 0)
        {
            foreach (var type in ChangedTypes)
            {
                // Otherwise a reused transaction would look as if it had already recorded the type.
                type.LastChangedBy = null;
            }
            ChangedTypes.Clear();
        }
        _changedSubs?.Clear();
        _changedParentTypes?.Clear();
        FirstClient = -1;
        FirstBefore = 0;
        MoreBefore?.Clear();
        StructsAppended = false;
        LoadedInOneGo = false;
        ChangedClientsAtEnd = null;
    }
}
