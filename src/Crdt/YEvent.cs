using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt;

/// <summary>
/// What one transaction changed in one shared type (yjs's <c>YEvent</c> and its subclasses):
/// the delta of its list or text, its changed keys, and its path from the observing type.
/// Delta and keys are computed on first use and only while the transaction's observers run:
/// read them inside the handler (afterwards they throw <see cref="InvalidOperationException"/>).
/// Reading a text's <see cref="Delta"/> deletes formatting markers that the transaction made
/// redundant, in a transaction of its own, exactly as yjs does.
/// </summary>
public sealed class YEvent
{
    private readonly int _generation;
    private readonly IReadOnlyList<string?> _subs;
    private YType _currentTarget;
    private IReadOnlyList<object>? _path;
    private IReadOnlyList<YEventOp>? _delta;
    private IReadOnlyDictionary<string, YEventKeyChange>? _keys;

    internal YEvent(YType target, YTransaction transaction, IReadOnlyList<string?> subs)
    {
        Target = target;
        _currentTarget = target;
        Transaction = transaction;
        _generation = transaction.Generation;
        _subs = subs;
    }

    /// <summary>The type that changed.</summary>
    public YType Target { get; }

    /// <summary>The type whose handler is running (the observed ancestor, for deep observers).</summary>
    public YType CurrentTarget
    {
        get => _currentTarget;
        internal set
        {
            _currentTarget = value;
            _path = null;
        }
    }

    /// <summary>The transaction (its origin and whether it was local); valid only during the handler.</summary>
    public YTransaction Transaction { get; }

    /// <summary>Whether the list or text content changed (not only keys).</summary>
    public bool ChildListChanged => _subs.Contains(null);

    /// <summary>The keys (map entries, XML attributes) the transaction touched.</summary>
    public IReadOnlyList<string> KeysChanged => [.. _subs.OfType<string>()];

    /// <summary>
    /// From <see cref="CurrentTarget"/> down to <see cref="Target"/>: map keys (strings) and list
    /// indices (ints), as yjs's <c>event.path</c>. Empty when they are the same type.
    /// </summary>
    public IReadOnlyList<object> Path => _path ??= PathTo(_currentTarget, Target);

    /// <summary>The change as a delta (yjs's <c>event.delta</c> / <c>changes.delta</c>); empty for maps.</summary>
    public IReadOnlyList<YEventOp> Delta
    {
        get
        {
            if (_delta is null)
            {
                CheckAlive();
                _delta = Target is YText text ? EventDeltas.OfText(this, text) : EventDeltas.OfList(this, _subs);
            }
            return _delta;
        }
    }

    /// <summary>The changed keys, in the order they first changed, with their old values (yjs's <c>event.keys</c>).</summary>
    public IReadOnlyDictionary<string, YEventKeyChange> Keys
    {
        get
        {
            if (_keys is null)
            {
                CheckAlive();
                _keys = EventDeltas.KeysOf(this, _subs);
            }
            return _keys;
        }
    }

    private void CheckAlive()
    {
        if (Transaction.Generation != _generation || !Transaction.Doc.InTransactionOrCleanup)
        {
            throw new InvalidOperationException("An event's changes can only be computed while its observers run (yjs: 'You must not compute changes after the event-handler fired').");
        }
    }

    private static List<object> PathTo(YType parent, YType child)
    {
        var path = new List<object>();
        while (child.ItemInternal is { } item && !ReferenceEquals(child, parent))
        {
            if (item.ParentSub is { } key)
            {
                path.Add(key);
            }
            else
            {
                int i = 0;
                for (var c = item.Parent!.Start; c is not null && !ReferenceEquals(c, item); c = c.Right)
                {
                    if (c.IsVisible)
                    {
                        i += c.Length;
                    }
                }
                path.Add(i);
            }
            child = item.Parent!;
        }
        path.Reverse();
        return path;
    }
}
