namespace CrdtCollab.Crdt;

/// <summary>Which stack an <see cref="UndoManager"/> event is about.</summary>
public enum UndoStackKind
{
    /// <summary>The undo stack (a tracked change was captured, or an undo popped an item).</summary>
    Undo,

    /// <summary>The redo stack (an undo was captured for redoing, or a redo popped an item).</summary>
    Redo,
}
