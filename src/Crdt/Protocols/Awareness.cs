using System.Collections.ObjectModel;
using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Crdt.Protocols;

/// <summary>
/// The y-protocols awareness CRDT (spec §8.2): one JSON state per client, each with a clock that
/// only its owner advances. States are values in the shared representation (null, bool, long,
/// double, string, <see cref="List{T}"/>, <see cref="Dictionary{TKey, TValue}"/> of string →
/// object?). There are no timers inside: the host calls <see cref="CheckTimeouts"/> every
/// <see cref="CheckIntervalMs"/> ms. Not thread-safe; the host serialises calls.
/// </summary>
public sealed class Awareness
{
    /// <summary>y-protocols' <c>outdatedTimeout</c>: a remote state not renewed for this long is dropped.</summary>
    public const long OutdatedTimeoutMs = 30_000;

    /// <summary>The local state is re-sent after half the timeout, so peers never time it out.</summary>
    public const long RenewAfterMs = OutdatedTimeoutMs / 2;

    /// <summary>y-protocols checks timeouts every tenth of the timeout; the host should do the same.</summary>
    public const long CheckIntervalMs = OutdatedTimeoutMs / 10;

    /// <summary>The origin reported for local <see cref="SetLocalState"/> calls (as in y-protocols).</summary>
    public const string LocalOrigin = "local";

    /// <summary>The origin reported when <see cref="CheckTimeouts"/> removes outdated states.</summary>
    public const string TimeoutOrigin = "timeout";

    private static readonly long[] NoClients = [];

    private readonly Dictionary<long, object?> _states = [];
    private readonly Dictionary<long, AwarenessMeta> _meta = [];
    private readonly ReadOnlyDictionary<long, object?> _statesView;
    private readonly TimeProvider _time;

    /// <summary>Creates the awareness of one client and sets its local state to <c>{}</c> with clock 0.</summary>
    /// <param name="clientId">The document's client ID (0 to 2^53−1, what a varUint can carry to a JS peer).</param>
    /// <param name="time">The clock (defaults to <see cref="TimeProvider.System"/>).</param>
    public Awareness(long clientId, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(clientId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clientId, Lib0Reader.MaxSafeInteger);
        ClientId = clientId;
        _time = time ?? TimeProvider.System;
        _statesView = new ReadOnlyDictionary<long, object?>(_states);
        Meta = new ReadOnlyDictionary<long, AwarenessMeta>(_meta);
        SetLocalState(new Dictionary<string, object?>());
    }

    /// <summary>Raised when a state was added, removed, or replaced by a deeply different one.</summary>
    public event EventHandler<AwarenessChangeEventArgs>? Changed;

    /// <summary>Raised for every accepted entry, changed or not (the signal to re-broadcast).</summary>
    public event EventHandler<AwarenessChangeEventArgs>? Updated;

    /// <summary>The local client's ID.</summary>
    public long ClientId { get; }

    /// <summary>
    /// The local state, or null when offline. As in y-protocols (<c>states.get(id) || null</c>),
    /// a falsy state (false, 0, "") reads as null.
    /// </summary>
    public object? LocalState => _states.TryGetValue(ClientId, out var state) && !JsValues.IsFalsy(state) ? state : null;

    /// <summary>Clock and last-update time per client, including clients whose state was removed.</summary>
    public IReadOnlyDictionary<long, AwarenessMeta> Meta { get; }

    /// <summary>The states of all clients currently online (the local one included).</summary>
    /// <returns>A live read-only view: client ID → state.</returns>
    public IReadOnlyDictionary<long, object?> GetStates() => _statesView;

    /// <summary>
    /// Sets the local state (null = offline) and advances the local clock. The state is kept by
    /// reference, as y-protocols does: do not mutate it afterwards, set a new one instead.
    /// </summary>
    /// <param name="state">A JSON-representable value, or null.</param>
    /// <exception cref="ArgumentException">The state has no JSON representation (e.g. a BigInteger).</exception>
    public void SetLocalState(object? state)
    {
        // Fail now rather than on every later broadcast.
        _ = JsJson.Stringify(state);
        long clock = _meta.TryGetValue(ClientId, out var current) ? current.Clock + 1 : 0;
        _states.TryGetValue(ClientId, out var previous);
        if (state is null)
        {
            _states.Remove(ClientId);
        }
        else
        {
            _states[ClientId] = state;
        }
        _meta[ClientId] = new AwarenessMeta(clock, Now());

        long[] self = [ClientId];
        long[] added = NoClients, updated = NoClients, changed = NoClients, removed = NoClients;
        if (state is null)
        {
            removed = self;
        }
        else if (previous is null or Undefined)
        {
            added = self;
        }
        else
        {
            updated = self;
            if (!JsValues.DeepEquals(previous, state))
            {
                changed = self;
            }
        }
        if (added.Length > 0 || changed.Length > 0 || removed.Length > 0)
        {
            Changed?.Invoke(this, new AwarenessChangeEventArgs(added, changed, removed, LocalOrigin));
        }
        Updated?.Invoke(this, new AwarenessChangeEventArgs(added, updated, removed, LocalOrigin));
    }

    /// <summary>
    /// Encodes the entries of the given clients: <c>varUint(n)</c>, then per client
    /// <c>varUint(id) varUint(clock) varString(JSON)</c>. A client without a state is written as
    /// <c>null</c> with its last known clock, which is how removals are broadcast.
    /// </summary>
    /// <param name="clients">Clients to include; each must be known (have meta).</param>
    /// <returns>The awareness update bytes.</returns>
    /// <exception cref="ArgumentException">A client was never seen.</exception>
    public byte[] EncodeUpdate(IEnumerable<long> clients)
    {
        ArgumentNullException.ThrowIfNull(clients);
        var list = clients as IReadOnlyCollection<long> ?? clients.ToList();
        using var w = new Lib0Writer();
        w.WriteVarUint(list.Count);
        foreach (long id in list)
        {
            if (!_meta.TryGetValue(id, out var meta))
            {
                throw new ArgumentException($"Awareness knows nothing about client {id}.", nameof(clients));
            }
            // y-protocols writes `states.get(id) || null`: falsy states go out as null too.
            object? state = _states.TryGetValue(id, out var s) && !JsValues.IsFalsy(s) ? s : null;
            w.WriteVarUint(id);
            w.WriteVarUint(meta.Clock);
            w.WriteVarString(JsJson.Stringify(state)!);
        }
        return w.ToArray();
    }

    /// <summary>
    /// Applies a received awareness update. The whole update is decoded and every state parsed
    /// before anything is applied, so a malformed update changes nothing.
    /// </summary>
    /// <param name="update">The awareness update bytes.</param>
    /// <param name="origin">Reported to the events (typically the connection).</param>
    /// <exception cref="UpdateFormatException">Truncated update or a state that is not valid JSON.</exception>
    public void ApplyUpdate(ReadOnlySpan<byte> update, object? origin)
    {
        var entries = Decode(update);
        long now = Now();
        var added = new List<long>();
        var updated = new List<long>();
        var changed = new List<long>();
        var removed = new List<long>();
        foreach (var (id, receivedClock, state) in entries)
        {
            long clock = receivedClock;
            bool known = _meta.TryGetValue(id, out var meta);
            bool hasState = _states.TryGetValue(id, out var previous);
            long currentClock = known ? meta.Clock : 0;
            // A null at the same clock still removes: the owner went offline without a new clock.
            if (!(currentClock < clock || (currentClock == clock && state is null && hasState)))
            {
                continue;
            }
            if (state is null)
            {
                if (id == ClientId && LocalState is not null)
                {
                    // A peer cannot take our state offline; a higher clock makes our next
                    // broadcast re-assert it.
                    clock++;
                }
                else
                {
                    _states.Remove(id);
                }
            }
            else
            {
                _states[id] = state;
            }
            _meta[id] = new AwarenessMeta(clock, now);
            // The same classification as y-protocols, including its quirks: a protected local
            // state is still reported as removed, and a state returning after a removal counts
            // as updated, not added.
            if (!known && state is not null)
            {
                added.Add(id);
            }
            else if (known && state is null)
            {
                removed.Add(id);
            }
            else if (state is not null)
            {
                if (!JsValues.DeepEquals(state, hasState ? previous : Undefined.Value))
                {
                    changed.Add(id);
                }
                updated.Add(id);
            }
        }
        if (added.Count > 0 || changed.Count > 0 || removed.Count > 0)
        {
            Changed?.Invoke(this, new AwarenessChangeEventArgs(added, changed, removed, origin));
        }
        if (added.Count > 0 || updated.Count > 0 || removed.Count > 0)
        {
            Updated?.Invoke(this, new AwarenessChangeEventArgs(added, updated, removed, origin));
        }
    }

    /// <summary>
    /// Removes the states of the given clients (e.g. those a closed connection introduced). Removing
    /// the local state advances the local clock so the removal wins over the last broadcast.
    /// </summary>
    /// <param name="clients">Clients to remove; unknown ones are ignored.</param>
    /// <param name="origin">Reported to the events.</param>
    public void RemoveStates(IEnumerable<long> clients, object? origin)
    {
        ArgumentNullException.ThrowIfNull(clients);
        var removed = new List<long>();
        foreach (long id in clients)
        {
            if (!_states.Remove(id))
            {
                continue;
            }
            if (id == ClientId)
            {
                _meta[id] = new AwarenessMeta(_meta[id].Clock + 1, Now());
            }
            removed.Add(id);
        }
        if (removed.Count > 0)
        {
            Changed?.Invoke(this, new AwarenessChangeEventArgs(NoClients, NoClients, removed, origin));
            Updated?.Invoke(this, new AwarenessChangeEventArgs(NoClients, NoClients, removed, origin));
        }
    }

    /// <summary>
    /// The periodic check y-protocols runs on a timer: renews the local state after
    /// <see cref="RenewAfterMs"/> and removes remote states older than <see cref="OutdatedTimeoutMs"/>
    /// (origin <see cref="TimeoutOrigin"/>). Call it every <see cref="CheckIntervalMs"/> ms and
    /// broadcast what the <see cref="Updated"/> event reports.
    /// </summary>
    public void CheckTimeouts()
    {
        long now = Now();
        object? local = LocalState;
        if (local is not null && RenewAfterMs <= now - _meta[ClientId].LastUpdated)
        {
            SetLocalState(local);
        }
        List<long>? outdated = null;
        foreach (var (id, meta) in _meta)
        {
            if (id != ClientId && OutdatedTimeoutMs <= now - meta.LastUpdated && _states.ContainsKey(id))
            {
                (outdated ??= []).Add(id);
            }
        }
        if (outdated is not null)
        {
            RemoveStates(outdated, TimeoutOrigin);
        }
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static List<(long Id, long Clock, object? State)> Decode(ReadOnlySpan<byte> update)
    {
        var r = new Lib0Reader(update);
        // An entry is at least three bytes: client ID, clock and the JSON length.
        int count = r.ReadCount(3);
        var entries = new List<(long, long, object?)>(count);
        for (int i = 0; i < count; i++)
        {
            long id = r.ReadVarUint();
            long clock = r.ReadVarUint();
            int start = r.Position;
            string json = r.ReadVarString();
            object? state;
            try
            {
                state = JsJson.Parse(json);
            }
            catch (UpdateFormatException e)
            {
                ThrowHelper.Format($"awareness state of client {id}: {e.Message}", start);
                return null!;
            }
            entries.Add((id, clock, state));
        }
        return entries;
    }
}
