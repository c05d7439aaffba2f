namespace CrdtCollab.Crdt;

/// <summary>The kind of one operation of an event's delta.</summary>
public enum YEventOpKind
{
    /// <summary>Content inserted by the transaction.</summary>
    Insert,

    /// <summary>Content kept (with <see cref="YEventOp.Attributes"/>: formatting changed on it).</summary>
    Retain,

    /// <summary>Content deleted by the transaction.</summary>
    Delete,
}
