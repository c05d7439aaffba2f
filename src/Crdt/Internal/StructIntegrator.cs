using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Internal;

/// <summary>A client's decoded structs and a cursor into them.</summary>
internal sealed class StructQueue(List<StructBase> structs)
{
    public List<StructBase> Structs = structs;
    public int Next;

    public bool Exhausted => Next >= Structs.Count;
}

/// <summary>
/// The integration driver (§5.3): highest client first, dependencies followed depth-first
/// with a stack; whatever cannot be integrated becomes the rest, with the clocks it waits for.
/// The order is deterministic, which keeps store granularity equal to Yjs's.
/// </summary>
internal static class StructIntegrator
{
    public static PendingStructs? Integrate(YTransaction transaction, StructStore store, Dictionary<long, StructQueue> queues)
    {
        if (queues.Count == 0)
        {
            return null;
        }
        var order = new List<long>(queues.Count);
        order.AddRange(queues.Keys);
        order.Sort();
        StructQueue? NextTarget()
        {
            while (order.Count > 0)
            {
                var q = queues.GetValueOrDefault(order[^1]);
                if (q is not null && !q.Exhausted)
                {
                    return q;
                }
                order.RemoveAt(order.Count - 1);
            }
            return null;
        }
        var current = NextTarget();
        if (current is null)
        {
            return null;
        }
        // Almost every update integrates without a detour: the stack and the rest are
        // allocated only when a dependency is missing.
        List<StructBase>? stack = null;
        Dictionary<long, List<StructBase>>? rest = null;
        Dictionary<long, long>? missing = null;
        void NoteMissing(long client, long clock)
        {
            missing ??= [];
            if (!missing.TryGetValue(client, out long m) || m > clock)
            {
                missing[client] = clock;
            }
        }
        void MoveStackToRest()
        {
            rest ??= [];
            foreach (var s in stack!)
            {
                long client = s.Client;
                if (queues.TryGetValue(client, out var q))
                {
                    q.Next--;
                    rest[client] = q.Structs.GetRange(q.Next, q.Structs.Count - q.Next);
                    queues.Remove(client);
                    q.Next = 0;
                    q.Structs = [];
                }
                else
                {
                    rest[client] = [s];
                }
                order.Remove(client);
            }
            stack.Clear();
        }
        var head = current.Structs[current.Next++];
        while (true)
        {
            if (head is not SkipStruct)
            {
                // Yjs caches states here; integration appends to the store, so the store's own
                // state is always the same number.
                long offset = store.GetState(head.Client) - head.Clock;
                if (offset < 0)
                {
                    (stack ??= []).Add(head);
                    NoteMissing(head.Client, head.Clock - 1);
                    MoveStackToRest();
                }
                else if (offset >= head.Length)
                {
                    // Already fully known. Yjs still checks its dependencies and may keep it
                    // pending forever (a hostile re-send with a missing right origin would then
                    // travel in our state over the struct we have); dropping it is equivalent
                    // for every honest update.
                }
                else
                {
                    long? dep = head is Item item ? ItemOps.GetMissing(transaction, store, item) : null;
                    if (dep is { } depClient)
                    {
                        (stack ??= []).Add(head);
                        var q = queues.GetValueOrDefault(depClient);
                        if (q is null || q.Exhausted)
                        {
                            NoteMissing(depClient, store.GetState(depClient));
                            MoveStackToRest();
                        }
                        else
                        {
                            head = q.Structs[q.Next++];
                            continue;
                        }
                    }
                    else if (offset == 0 || offset < head.Length)
                    {
                        if (head is Item it)
                        {
                            ItemOps.Integrate(transaction, it, (int)offset);
                        }
                        else
                        {
                            IntegrateGc(store, (GcStruct)head, (int)offset);
                        }
                    }
                }
            }
            if (stack is { Count: > 0 })
            {
                head = stack[^1];
                stack.RemoveAt(stack.Count - 1);
            }
            else if (current is not null && !current.Exhausted)
            {
                head = current.Structs[current.Next++];
            }
            else
            {
                current = NextTarget();
                if (current is null)
                {
                    break;
                }
                head = current.Structs[current.Next++];
            }
        }
        if (rest is null || rest.Count == 0)
        {
            return null;
        }
        using var writer = new Lib0Writer();
        var clients = rest.Keys.ToList();
        clients.Sort(static (a, b) => b.CompareTo(a));
        writer.WriteVarUint(clients.Count);
        foreach (long client in clients)
        {
            var structs = rest[client];
            UpdateEncoder.WriteClientStructs(writer, StructList.From(structs), client, 0);
        }
        writer.WriteVarUint(0);
        return new PendingStructs(missing ?? [], writer.ToArray());
    }

    /// <summary>
    /// The common case of a live edit stream: an update holding one client's run that starts
    /// exactly at our state for that client, without skips, whose references to other clients
    /// are all known. <see cref="Integrate"/> would then take its structs one by one, in order,
    /// each with nothing missing and nothing already known; this does the same without building
    /// queues, an order and a stack. Returns false, having touched nothing, in any other case.
    /// </summary>
    public static bool TryIntegrateInOrder(YTransaction transaction, StructStore store, StructRun run, DecodeBuffers? buffers)
    {
        var structs = run.Structs;
        if (structs.Count == 0 || structs[0].Clock != store.GetState(run.Client))
        {
            return false;
        }
        foreach (var s in structs)
        {
            if (s is SkipStruct || (s is Item item && !ForeignReferencesKnown(store, item)))
            {
                return false;
            }
        }
        // Integrating a struct appends exactly its clock range to its client (as an item or as
        // GC), so each next struct starts at the state, and other clients' states do not move:
        // the checks above still hold for every struct when its turn comes.
        for (int i = 0; i < structs.Count; i++)
        {
            var s = structs[i];
            if (s is Item item)
            {
                if (ItemOps.GetMissing(transaction, store, item) is not null)
                {
                    throw new InvalidOperationException("a checked dependency went missing");
                }
                // Only the run's last struct is appended in place: a later struct of a long run
                // (a full state, say) often hangs off the middle of the grown item and would
                // split it again at once.
                if (i < structs.Count - 1 || !RemoteTyping.TryAppendInPlace(transaction, store, item))
                {
                    ItemOps.Integrate(transaction, item, 0);
                }
                else if (buffers is not null)
                {
                    // Nothing refers to the consumed item: the next decoded keystroke reuses it.
                    buffers.SpareTextItem = item;
                }
            }
            else
            {
                IntegrateGc(store, (GcStruct)s, 0);
            }
        }
        return true;
    }

    /// <summary>The dependency checks of <see cref="ItemOps.GetMissing"/> for other clients, without its side effects.</summary>
    private static bool ForeignReferencesKnown(StructStore store, Item item) =>
        Known(store, item.Client, item.Origin)
        && Known(store, item.Client, item.RightOrigin)
        && Known(store, item.Client, item.ParentId);

    private static bool Known(StructStore store, long client, Id? reference) =>
        reference is not { } id || id.Client == client || id.Clock < store.GetState(id.Client);

    private static void IntegrateGc(StructStore store, GcStruct gc, int offset)
    {
        if (offset > 0)
        {
            gc.Clock += offset;
            gc.Length -= offset;
        }
        store.Add(gc);
    }
}
