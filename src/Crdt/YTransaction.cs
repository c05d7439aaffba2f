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
    // The state before the transaction is recorded lazily, per client, the first time the
    // transaction appends to that client's structs: an untouched client's state is still its
    // state before. Typing touches one client, so this avoids copying the whole state vector
    // on every keystroke.
    private long _firstClient = -1;
    private long _firstBefore;
    private Dictionary<long, long>? _moreBefore;

    internal YTransaction(YDoc doc, object? origin, bool local)
    {
        Doc = doc;
        Origin = origin;
        Local = local;
    }

    /// <summary>The document this transaction changes.</summary>
    public YDoc Doc { get; }

    /// <summary>What started the transaction (passed through to update observers).</summary>
    public object? Origin { get; }

    /// <summary>True for local edits, false while applying a remote update.</summary>
    public bool Local { get; internal set; }

    internal readonly DeleteSet DeleteSet = new();

    private List<StructBase>? _mergeStructs;

    /// <summary>Right parts of splits, re-merged at the end of the transaction (allocated on first split).</summary>
    internal List<StructBase> MergeStructs => _mergeStructs ??= [];

    internal bool HasMergeStructs => _mergeStructs is { Count: > 0 };

    /// <summary>Clients that grew, with their state before, fixed when the clean-up starts.</summary>
    internal List<KeyValuePair<long, long>>? ChangedClientsAtEnd;

    /// <summary>Types changed in this transaction (each once).</summary>
    internal List<YType>? ChangedTypes;

    /// <summary>
    /// Whether any struct was appended to the store (typing that extends our newest item in
    /// place appends none, and then there is nothing new to merge).
    /// </summary>
    internal bool StructsAppended;

    /// <summary>Called by the store before it appends a struct of <paramref name="client"/>.</summary>
    internal void NoteAppend(long client, long stateBefore)
    {
        if (_firstClient == client)
        {
            return;
        }
        if (_firstClient < 0)
        {
            _firstClient = client;
            _firstBefore = stateBefore;
            return;
        }
        (_moreBefore ??= []).TryAdd(client, stateBefore);
    }

    /// <summary>The client's state when the transaction started.</summary>
    internal long GetBeforeState(long client)
    {
        if (client == _firstClient)
        {
            return _firstBefore;
        }
        if (_moreBefore is not null && _moreBefore.TryGetValue(client, out long before))
        {
            return before;
        }
        return Doc.Store.GetState(client);
    }

    /// <summary>Clients whose structs grew in this transaction, with their state before.</summary>
    internal List<KeyValuePair<long, long>> ChangedClients(List<KeyValuePair<long, long>> result)
    {
        result.Clear();
        if (_firstClient >= 0)
        {
            result.Add(new(_firstClient, _firstBefore));
        }
        if (_moreBefore is not null)
        {
            result.AddRange(_moreBefore);
        }
        return result;
    }

    internal void AddChangedType(YType type)
    {
        // Changed types are only consulted after remote transactions (formatting clean-up);
        // there are no type observers yet, so local edits skip the bookkeeping.
        if (Local || ReferenceEquals(type.LastChangedBy, this))
        {
            return;
        }
        var item = type.ItemInternal;
        if (item is null || (item.Clock < GetBeforeState(item.Client) && !item.Deleted))
        {
            type.LastChangedBy = this;
            (ChangedTypes ??= []).Add(type);
        }
    }
}
