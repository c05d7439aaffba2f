using CrdtCollab.Crdt.Internal;

namespace CrdtCollab.Crdt;

/// <summary>
/// One entry of an <see cref="UndoManager"/> stack: what a group of captured transactions
/// inserted and deleted (yjs's <c>StackItem</c>), and metadata the application attaches, for
/// example the cursor position in <see cref="UndoManager.StackItemAdded"/> to restore it in
/// <see cref="UndoManager.StackItemPopped"/>.
/// </summary>
public sealed class UndoStackItem
{
    internal UndoStackItem(DeleteSet deletions, DeleteSet insertions)
    {
        Deletions = deletions;
        Insertions = insertions;
    }

    internal DeleteSet Deletions { get; set; }

    internal DeleteSet Insertions { get; set; }

    /// <summary>Application metadata (yjs's <c>stackItem.meta</c>).</summary>
    public Dictionary<string, object?> Meta { get; } = [];
}
