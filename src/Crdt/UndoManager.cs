using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Structs;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt;

/// <summary>
/// Undo and redo of tracked changes to one or several shared types (yjs's <c>Y.UndoManager</c>,
/// same semantics): transactions whose origin is tracked and that change a type in scope are
/// captured; captures less than <see cref="UndoManagerOptions.CaptureTimeout"/> apart form one
/// stack item unless <see cref="StopCapturing"/> was called between them. Undo deletes what a
/// stack item inserted and re-creates what it deleted (inserts, deletes, formatting, map
/// changes, nested types), as a new transaction whose origin is this manager; it lands on the
/// redo stack. A new tracked change clears the redo stack. Deleted content a stack item may
/// bring back is kept from garbage collection until the item leaves the stacks.
/// Not thread-safe, like the document. Dispose to stop tracking.
/// </summary>
public sealed class UndoManager : IDisposable
{
    private readonly List<YType> _scope = [];
    private readonly HashSet<object?> _trackedOrigins;
    private readonly Func<YTransaction, bool>? _captureTransaction;
    private readonly TimeProvider _time;
    private readonly List<UndoStackItem> _undoStack = [];
    private readonly List<UndoStackItem> _redoStack = [];
    private readonly EventHandler<YTransactionEventArgs> _afterTransaction;
    private bool _undoing;
    private bool _redoing;
    private UndoStackItem? _current;
    private long _lastChange;
    private IReadOnlyList<YType> _poppedChangedTypes = [];
    private bool _disposed;

    /// <summary>Tracks changes to <paramref name="scope"/> (a type that is part of a document).</summary>
    public UndoManager(YType scope, UndoManagerOptions? options = null)
        : this([scope], options)
    {
    }

    /// <summary>Tracks changes to every type of <paramref name="scope"/> (all of one document).</summary>
    public UndoManager(IEnumerable<YType> scope, UndoManagerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        options ??= new UndoManagerOptions();
        var types = scope.ToList();
        if (types.Count == 0)
        {
            throw new ArgumentException("An undo manager needs at least one type.", nameof(scope));
        }
        Doc = types[0].Doc ?? throw new ArgumentException("The types must be part of a document.", nameof(scope));
        AddToScope(types);
        _trackedOrigins = [.. options.TrackedOrigins, this];
        _captureTransaction = options.CaptureTransaction;
        CaptureTimeout = options.CaptureTimeout;
        IgnoreRemoteMapChanges = options.IgnoreRemoteMapChanges;
        _time = options.TimeProvider;
        _afterTransaction = (_, e) => OnAfterTransaction(e.Transaction);
        Doc.AfterTransaction += _afterTransaction;
    }

    /// <summary>The document of the types in scope.</summary>
    public YDoc Doc { get; }

    /// <summary>Changes closer together than this form one stack item.</summary>
    public TimeSpan CaptureTimeout { get; set; }

    /// <summary>Whether undo/redo may overwrite map values that other clients set since.</summary>
    public bool IgnoreRemoteMapChanges { get; set; }

    /// <summary>The undo stack, oldest first.</summary>
    public IReadOnlyList<UndoStackItem> UndoStack => _undoStack;

    /// <summary>The redo stack, oldest first.</summary>
    public IReadOnlyList<UndoStackItem> RedoStack => _redoStack;

    /// <summary>Whether there is something to undo.</summary>
    public bool CanUndo => _undoStack.Count > 0;

    /// <summary>Whether there is something to redo.</summary>
    public bool CanRedo => _redoStack.Count > 0;

    /// <summary>True while <see cref="Undo"/> runs.</summary>
    public bool IsUndoing => _undoing;

    /// <summary>True while <see cref="Redo"/> runs.</summary>
    public bool IsRedoing => _redoing;

    /// <summary>A stack item was pushed (yjs's <c>stack-item-added</c>); attach <see cref="UndoStackItem.Meta"/> here.</summary>
    public event EventHandler<UndoStackEventArgs>? StackItemAdded;

    /// <summary>A capture was merged into the top stack item (yjs's <c>stack-item-updated</c>).</summary>
    public event EventHandler<UndoStackEventArgs>? StackItemUpdated;

    /// <summary>Undo or redo applied a stack item (yjs's <c>stack-item-popped</c>).</summary>
    public event EventHandler<UndoStackEventArgs>? StackItemPopped;

    /// <summary>Stacks were cleared (yjs's <c>stack-cleared</c>): which ones.</summary>
    public event EventHandler<(bool UndoStackCleared, bool RedoStackCleared)>? StackCleared;

    /// <summary>Adds types to the scope (types of this manager's document).</summary>
    public void AddToScope(IEnumerable<YType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        foreach (var type in types)
        {
            if (!ReferenceEquals(type.Doc, Doc))
            {
                throw new ArgumentException("Every type in scope must belong to the undo manager's document.", nameof(types));
            }
            if (!_scope.Contains(type))
            {
                _scope.Add(type);
            }
        }
    }

    /// <summary>Tracks transactions with this origin (or, for a <see cref="Type"/>, origins of that type).</summary>
    public void AddTrackedOrigin(object? origin) => _trackedOrigins.Add(origin);

    /// <summary>Stops tracking the origin.</summary>
    public void RemoveTrackedOrigin(object? origin) => _trackedOrigins.Remove(origin);

    /// <summary>The next tracked change starts a new stack item, whatever the capture timeout.</summary>
    public void StopCapturing() => _lastChange = 0;

    /// <summary>Undoes the newest stack item that still changes something; returns it, or null.</summary>
    public UndoStackItem? Undo()
    {
        _undoing = true;
        try
        {
            return Pop(_undoStack, UndoStackKind.Undo);
        }
        finally
        {
            _undoing = false;
        }
    }

    /// <summary>Redoes the newest undone stack item that still changes something; returns it, or null.</summary>
    public UndoStackItem? Redo()
    {
        _redoing = true;
        try
        {
            return Pop(_redoStack, UndoStackKind.Redo);
        }
        finally
        {
            _redoing = false;
        }
    }

    /// <summary>Empties the stacks (and lets the content they kept be garbage-collected).</summary>
    public void Clear(bool clearUndoStack = true, bool clearRedoStack = true)
    {
        if (!((clearUndoStack && CanUndo) || (clearRedoStack && CanRedo)))
        {
            return;
        }
        Doc.Transact(tr =>
        {
            if (clearUndoStack)
            {
                foreach (var item in _undoStack)
                {
                    Release(tr, item);
                }
                _undoStack.Clear();
            }
            if (clearRedoStack)
            {
                foreach (var item in _redoStack)
                {
                    Release(tr, item);
                }
                _redoStack.Clear();
            }
            StackCleared?.Invoke(this, (clearUndoStack, clearRedoStack));
        });
    }

    /// <summary>Stops tracking; the stacks stay as they are.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _trackedOrigins.Remove(this);
        Doc.AfterTransaction -= _afterTransaction;
    }

    internal bool IsDeletedByAStack(Id id) =>
        _undoStack.Exists(s => s.Deletions.IsDeleted(id)) || _redoStack.Exists(s => s.Deletions.IsDeleted(id));

    private bool InScope(Item item)
    {
        foreach (var type in _scope)
        {
            if (UndoRedo.IsParentOf(type, item))
            {
                return true;
            }
        }
        return false;
    }

    private void Release(YTransaction tr, UndoStackItem stackItem) =>
        UndoRedo.IterateDeletedStructs(tr, stackItem.Deletions, s =>
        {
            if (s is Item item && InScope(item))
            {
                UndoRedo.KeepItem(item, false);
            }
        });

    private bool Tracks(object? origin) =>
        _trackedOrigins.Contains(origin) || (origin is not null && _trackedOrigins.Contains(origin.GetType()));

    private void OnAfterTransaction(YTransaction transaction)
    {
        var changed = transaction.State.ChangedParentTypes;
        if (ReferenceEquals(transaction.Origin, this))
        {
            _poppedChangedTypes = [.. changed.Keys];
        }
        if ((_captureTransaction is { } capture && !capture(transaction))
            || !_scope.Exists(changed.ContainsKey)
            || !Tracks(transaction.Origin))
        {
            return;
        }
        bool undoing = _undoing;
        bool redoing = _redoing;
        var stack = undoing ? _redoStack : _undoStack;
        if (undoing)
        {
            StopCapturing();
        }
        else if (!redoing)
        {
            Clear(clearUndoStack: false, clearRedoStack: true);
        }
        var insertions = new DeleteSet();
        foreach (var (client, before) in transaction.ChangedClients([]))
        {
            long after = Doc.Store.GetState(client);
            if (after > before)
            {
                insertions.Add(client, before, after - before);
            }
        }
        var deletions = UndoRedo.Copy(transaction.DeleteSet);
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        bool added = false;
        if (_lastChange > 0 && now - _lastChange < (long)CaptureTimeout.TotalMilliseconds && stack.Count > 0 && !undoing && !redoing)
        {
            var last = stack[^1];
            last.Deletions = UndoRedo.Merge(last.Deletions, deletions);
            last.Insertions = UndoRedo.Merge(last.Insertions, insertions);
        }
        else
        {
            stack.Add(new UndoStackItem(deletions, insertions));
            added = true;
        }
        if (!undoing && !redoing)
        {
            _lastChange = now;
        }
        UndoRedo.IterateDeletedStructs(transaction, transaction.DeleteSet, s =>
        {
            if (s is Item item && InScope(item))
            {
                UndoRedo.KeepItem(item, true);
            }
        });
        var args = new UndoStackEventArgs(stack[^1], undoing ? UndoStackKind.Redo : UndoStackKind.Undo, transaction.Origin, [.. changed.Keys]);
        (added ? StackItemAdded : StackItemUpdated)?.Invoke(this, args);
    }

    private UndoStackItem? Pop(List<UndoStackItem> stack, UndoStackKind kind)
    {
        var store = Doc.Store;
        _poppedChangedTypes = [];
        Doc.Transact(transaction =>
        {
            while (stack.Count > 0 && _current is null)
            {
                var stackItem = stack[^1];
                stack.RemoveAt(stack.Count - 1);
                var redo = new List<Item>();
                var redoSet = new HashSet<Item>(ReferenceEqualityComparer.Instance);
                var delete = new List<Item>();
                bool performed = false;
                UndoRedo.IterateDeletedStructs(transaction, stackItem.Insertions, s =>
                {
                    if (s is not Item item)
                    {
                        return;
                    }
                    if (item.HasRedone)
                    {
                        var (found, diff) = UndoRedo.FollowRedone(store, item.Id);
                        if (diff > 0)
                        {
                            found = store.GetItemCleanStart(transaction, new Id(found.Client, found.Clock + diff));
                        }
                        if (found is not Item followed)
                        {
                            return;
                        }
                        item = followed;
                    }
                    if (!item.Deleted && InScope(item))
                    {
                        delete.Add(item);
                    }
                });
                UndoRedo.IterateDeletedStructs(transaction, stackItem.Deletions, s =>
                {
                    if (s is Item item && InScope(item) && !stackItem.Insertions.IsDeleted(item.Id) && redoSet.Add(item))
                    {
                        redo.Add(item);
                    }
                });
                foreach (var item in redo)
                {
                    performed = UndoRedo.RedoItem(transaction, item, redoSet, stackItem.Insertions, IgnoreRemoteMapChanges, this) is not null || performed;
                }
                for (int i = delete.Count - 1; i >= 0; i--)
                {
                    delete[i].Delete(transaction);
                    performed = true;
                }
                _current = performed ? stackItem : null;
            }
        }, this);
        var result = _current;
        if (result is not null)
        {
            StackItemPopped?.Invoke(this, new UndoStackEventArgs(result, kind, this, _poppedChangedTypes));
            _current = null;
        }
        return result;
    }
}
