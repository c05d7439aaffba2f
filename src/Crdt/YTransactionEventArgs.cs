namespace CrdtCollab.Crdt;

/// <summary>The transaction a <see cref="YDoc.BeforeTransaction"/> or <see cref="YDoc.AfterTransaction"/> event is about.</summary>
public sealed class YTransactionEventArgs(YTransaction transaction) : EventArgs
{
    /// <summary>The transaction; valid only during the handler (the document reuses the object).</summary>
    public YTransaction Transaction { get; } = transaction;
}
