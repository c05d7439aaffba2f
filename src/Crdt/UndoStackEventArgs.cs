using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt;

/// <summary>An <see cref="UndoManager"/> stack item was added, updated (merged into) or popped.</summary>
public sealed class UndoStackEventArgs(UndoStackItem stackItem, UndoStackKind kind, object? origin, IReadOnlyList<YType> changedParentTypes) : EventArgs
{
    /// <summary>The stack item.</summary>
    public UndoStackItem StackItem { get; } = stackItem;

    /// <summary>The stack it is on (added/updated) or came from (popped).</summary>
    public UndoStackKind Kind { get; } = kind;

    /// <summary>The origin of the transaction (the undo manager itself for undo and redo).</summary>
    public object? Origin { get; } = origin;

    /// <summary>The types (and their ancestors) the transaction changed.</summary>
    public IReadOnlyList<YType> ChangedParentTypes { get; } = changedParentTypes;
}
