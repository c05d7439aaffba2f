using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Structs;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt;

/// <summary>
/// The unit of change. Every edit happens inside one; when the outermost transaction ends the
/// document garbage-collects, merges structs and emits one update (see <see cref="YDoc.UpdateV1"/>).
/// A transaction is valid only inside the callback that received it: the document reuses the
/// object for later transactions, so a keystroke leaves no garbage behind.
/// </summary>
public sealed class YTransaction
{
    // The state before the transaction is recorded lazily, per client, the first time the
    // transaction appends to that client's structs: an untouched client's state is still its
    // state before. Typing touches one client, so this avoids copying the whole state vector
    // on every keystroke.
    //
    // All bookkeeping lives in a TransactionState the document lends for the transaction's
    // lifetime and reuses afterwards (see TransactionState).
    internal TransactionState State;

    internal YTransaction(YDoc doc, object? origin, bool local, TransactionState state)
    {
        Doc = doc;
        Origin = origin;
        Local = local;
        State = state;
    }

    /// <summary>The document this transaction changes.</summary>
    public YDoc Doc { get; }

    /// <summary>What started the transaction (passed through to update and event observers).</summary>
    public object? Origin { get; internal set; }

    /// <summary>True for local edits, false while applying a remote update.</summary>
    public bool Local { get; internal set; }

    internal DeleteSet DeleteSet => State.DeleteSet;

    /// <summary>Right parts of splits, re-merged at the end of the transaction.</summary>
    internal List<StructBase> MergeStructs => State.MergeStructs;

    internal bool HasMergeStructs => State.MergeStructs.Count > 0;

    /// <summary>Clients that grew, with their state before, fixed when the clean-up starts.</summary>
    internal List<KeyValuePair<long, long>>? ChangedClientsAtEnd
    {
        get => State.ChangedClientsAtEnd;
        set => State.ChangedClientsAtEnd = value;
    }

    /// <summary>Types changed in this transaction (each once).</summary>
    internal List<YType> ChangedTypes => State.ChangedTypes;

    /// <summary>
    /// Whether any struct was appended to the store (typing that extends our newest item in
    /// place appends none, and then there is nothing new to merge).
    /// </summary>
    internal bool StructsAppended
    {
        get => State.StructsAppended;
        set => State.StructsAppended = value;
    }

    /// <summary>Called by the store before it appends a struct of <paramref name="client"/>.</summary>
    internal void NoteAppend(long client, long stateBefore)
    {
        var st = State;
        if (st.FirstClient == client)
        {
            return;
        }
        if (st.FirstClient < 0)
        {
            st.FirstClient = client;
            st.FirstBefore = stateBefore;
            return;
        }
        (st.MoreBefore ??= []).TryAdd(client, stateBefore);
    }

    /// <summary>The client's state when the transaction started.</summary>
    internal long GetBeforeState(long client)
    {
        var st = State;
        if (client == st.FirstClient)
        {
            return st.FirstBefore;
        }
        if (st.MoreBefore is not null && st.MoreBefore.TryGetValue(client, out long before))
        {
            return before;
        }
        return Doc.Store.GetState(client);
    }

    /// <summary>Clients whose structs grew in this transaction, with their state before.</summary>
    internal List<KeyValuePair<long, long>> ChangedClients(List<KeyValuePair<long, long>> result)
    {
        var st = State;
        result.Clear();
        if (st.FirstClient >= 0)
        {
            result.Add(new(st.FirstClient, st.FirstBefore));
        }
        if (st.MoreBefore is not null)
        {
            result.AddRange(st.MoreBefore);
        }
        return result;
    }

    /// <summary>
    /// Records that <paramref name="type"/> changed (its list when <paramref name="parentSub"/>
    /// is null, else that key), as yjs's <c>addChangedTypeToTransaction</c>. Without observers
    /// only remote transactions record types (the formatting clean-up needs them) and no keys
    /// are kept, so a local keystroke does no bookkeeping.
    /// </summary>
    internal void AddChangedType(YType type, string? parentSub)
    {
        bool track = Doc.TracksChanges;
        if (Local && !track)
        {
            return;
        }
        if (ReferenceEquals(type.LastChangedBy, this))
        {
            if (track)
            {
                State.AddChangedSub(type.ChangedIndex, parentSub);
            }
            return;
        }
        var item = type.ItemInternal;
        if (item is null || (item.Clock < GetBeforeState(item.Client) && !item.Deleted))
        {
            type.LastChangedBy = this;
            type.ChangedIndex = State.ChangedTypes.Count;
            State.ChangedTypes.Add(type);
            if (track)
            {
                State.AddChangedSub(type.ChangedIndex, parentSub);
            }
        }
    }

    /// <summary>Bumped each time the document recycles this object, so events of an earlier transaction can tell they expired.</summary>
    internal int Generation;

    /// <summary>Whether the struct was added in this transaction (yjs's <c>event.adds</c>).</summary>
    internal bool Adds(StructBase s) => s.Clock >= GetBeforeState(s.Client);

    /// <summary>Whether the struct was deleted in this transaction (yjs's <c>event.deletes</c>).</summary>
    internal bool Deletes(StructBase s) => DeleteSet.IsDeleted(new Id(s.Client, s.Clock));
}
