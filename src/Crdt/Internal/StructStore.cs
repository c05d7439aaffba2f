using System.Runtime.CompilerServices;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Internal;

/// <summary>
/// Per-client lists of structs ordered by clock. Invariant: each list covers exactly
/// [0, state) with no gaps or overlaps (proved by <c>StoreInvariantTests</c>).
/// </summary>
internal sealed class StructStore
{
    public readonly Dictionary<long, StructList> Clients = [];

    /// <summary>Structs that could not be integrated yet, as a V1 update, plus what they wait for.</summary>
    public PendingStructs? Pending;

    /// <summary>Deletions of clock ranges this document has not received yet.</summary>
    public DeleteSet? PendingDeletes;

    // The list of the client looked up last. A live edit stream asks for the same client a
    // dozen times per update; lists are never removed or replaced once added, so the entry
    // cannot go stale.
    private long _cachedClient;
    private StructList? _cachedList;

    /// <summary>The client's list, or null when the client has no structs yet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public StructList? TryGetClient(long client)
    {
        if (client == _cachedClient && _cachedList is { } cached)
        {
            return cached;
        }
        return TryGetClientSlow(client);
    }

    private StructList? TryGetClientSlow(long client)
    {
        if (!Clients.TryGetValue(client, out var structs))
        {
            return null;
        }
        _cachedClient = client;
        _cachedList = structs;
        return structs;
    }

    /// <summary>The client's list; the client must have one.</summary>
    public StructList GetClient(long client) => TryGetClient(client) ?? throw new KeyNotFoundException($"The given key '{client}' was not present in the dictionary.");

    public long GetState(long client)
    {
        if (TryGetClient(client) is not { Count: > 0 } structs)
        {
            return 0;
        }
        var last = structs.Last;
        return last.Clock + last.Length;
    }


    public Dictionary<long, long> GetStateVector()
    {
        var sv = new Dictionary<long, long>(Clients.Count);
        foreach (var (client, structs) in Clients)
        {
            if (structs.Count > 0)
            {
                var last = structs.Last;
                sv[client] = last.Clock + last.Length;
            }
        }
        return sv;
    }

    /// <summary>The transaction in progress; it records each client's state before its first append.</summary>
    public YTransaction? Transaction;

    public void Add(StructBase s)
    {
        var list = TryGetClient(s.Client);
        if (list is null)
        {
            list = new StructList();
            Clients.Add(s.Client, list);
        }
        long state = 0;
        if (list.Count > 0)
        {
            var last = list.Last;
            state = last.Clock + last.Length;
            if (state != s.Clock)
            {
                throw new InvalidOperationException($"struct {s.Id} does not start at the client's state {state}");
            }
        }
        if (Transaction is { } transaction)
        {
            transaction.NoteAppend(s.Client, state);
            transaction.StructsAppended = true;
        }
        list.Add(s);
    }

    /// <summary>
    /// Adds the whole list of a client this store does not have yet (a full state loaded in one
    /// go, see <c>FullStateLoader</c>), as appending its structs one by one would.
    /// </summary>
    public void AddLoadedClient(long client, StructList list)
    {
        Clients.Add(client, list);
        if (Transaction is { } transaction)
        {
            transaction.NoteAppend(client, 0);
            transaction.StructsAppended = true;
        }
    }

    // Item → the id of its copy made by an undo manager (yjs's item.redone); see Item.HasRedone.
    private Dictionary<Item, Id>? _redone;

    public Id GetRedone(Item item) => _redone![item];

    public void SetRedone(Item item, Id id)
    {
        (_redone ??= new Dictionary<Item, Id>(ReferenceEqualityComparer.Instance))[item] = id;
        item.MarkRedone();
    }

    public StructBase Find(Id id)
    {
        var structs = GetClient(id.Client);
        return structs[structs.FindIndex(id.Clock)];
    }

    public Item GetItem(Id id) => (Item)Find(id);

    /// <summary>The item containing <paramref name="id"/>, split so that it starts exactly there.</summary>
    public StructBase GetItemCleanStart(YTransaction transaction, Id id)
    {
        var structs = GetClient(id.Client);
        int index = structs.FindIndex(id.Clock);
        var s = structs[index];
        if (s.Clock < id.Clock && s is Item item)
        {
            var right = ItemOps.Split(transaction, item, (int)(id.Clock - item.Clock));
            structs.Insert(index + 1, right);
            return right;
        }
        return s;
    }

    /// <summary>The item containing <paramref name="id"/>, split so that it ends exactly there.</summary>
    public StructBase GetItemCleanEnd(YTransaction transaction, Id id)
    {
        var structs = GetClient(id.Client);
        int index = structs.FindIndex(id.Clock);
        var s = structs[index];
        if (id.Clock != s.Clock + s.Length - 1 && s is Item item)
        {
            structs.Insert(index + 1, ItemOps.Split(transaction, item, (int)(id.Clock - item.Clock + 1)));
        }
        return s;
    }

    public void Replace(StructBase oldStruct, StructBase newStruct)
    {
        var structs = GetClient(oldStruct.Client);
        structs[structs.FindIndex(oldStruct.Clock)] = newStruct;
    }
}

/// <summary>Structs waiting for missing dependencies, kept as an encoded update.</summary>
internal sealed class PendingStructs(Dictionary<long, long> missing, byte[] update)
{
    public Dictionary<long, long> Missing { get; } = missing;

    public byte[] Update { get; set; } = update;
}
