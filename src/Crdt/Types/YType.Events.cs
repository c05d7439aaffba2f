namespace CrdtCollab.Crdt.Types;

public abstract partial class YType
{
    // Copy-on-write arrays: a dispatch iterates the array it started with, so a handler may
    // subscribe or unsubscribe (itself or others) while it runs, as in yjs.
    private Action<YEvent, YTransaction>[] _observers = [];
    private Action<IReadOnlyList<YEvent>, YTransaction>[] _deepObservers = [];

    internal Action<YEvent, YTransaction>[] Observers => _observers;

    internal Action<IReadOnlyList<YEvent>, YTransaction>[] DeepObservers => _deepObservers;

    private int ObserverCount => _observers.Length + _deepObservers.Length;

    /// <summary>
    /// Calls <paramref name="handler"/> after every transaction that changed this type (yjs's
    /// <c>observe</c>), local or remote, with the event (delta, keys, path) and the transaction.
    /// Both are valid only during the call. Dispose the result (or call <see cref="Unobserve"/>)
    /// to stop. See <see cref="YDoc"/> for what happens when a handler throws.
    /// </summary>
    public IDisposable Observe(Action<YEvent, YTransaction> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _observers = [.. _observers, handler];
        DocInternal?.AdjustTrackers(1);
        return new Subscription(() => Unobserve(handler));
    }

    /// <summary>Removes a handler added by <see cref="Observe"/> (the last registration of it); false when it was not registered.</summary>
    public bool Unobserve(Action<YEvent, YTransaction> handler)
    {
        int i = Array.LastIndexOf(_observers, handler);
        if (i < 0)
        {
            return false;
        }
        _observers = [.. _observers[..i], .. _observers[(i + 1)..]];
        DocInternal?.AdjustTrackers(-1);
        return true;
    }

    /// <summary>
    /// Calls <paramref name="handler"/> after every transaction that changed this type or any type
    /// nested in it (yjs's <c>observeDeep</c>), with the events of all those types, those nearest
    /// to this type first; each event's <see cref="YEvent.Path"/> is relative to this type.
    /// </summary>
    public IDisposable ObserveDeep(Action<IReadOnlyList<YEvent>, YTransaction> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _deepObservers = [.. _deepObservers, handler];
        DocInternal?.AdjustTrackers(1);
        return new Subscription(() => UnobserveDeep(handler));
    }

    /// <summary>Removes a handler added by <see cref="ObserveDeep"/>; false when it was not registered.</summary>
    public bool UnobserveDeep(Action<IReadOnlyList<YEvent>, YTransaction> handler)
    {
        int i = Array.LastIndexOf(_deepObservers, handler);
        if (i < 0)
        {
            return false;
        }
        _deepObservers = [.. _deepObservers[..i], .. _deepObservers[(i + 1)..]];
        DocInternal?.AdjustTrackers(-1);
        return true;
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
