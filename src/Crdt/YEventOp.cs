namespace CrdtCollab.Crdt;

/// <summary>
/// One operation of an event's delta (yjs's <c>{ insert }</c>, <c>{ retain }</c>, <c>{ delete }</c>).
/// For a text, an insert's <see cref="Insert"/> is a string, an embed value or a shared type,
/// and <see cref="Attributes"/> are the formatting in effect (insert) or changed (retain; a null
/// value removes the attribute). For an array or XML children, an insert's
/// <see cref="Insert"/> is the list of inserted values.
/// </summary>
/// <param name="Kind">Insert, retain or delete.</param>
/// <param name="Insert">The inserted content (inserts only).</param>
/// <param name="Length">Units inserted, retained or deleted.</param>
/// <param name="Attributes">Text formatting, or null.</param>
public sealed record YEventOp(YEventOpKind Kind, object? Insert, int Length, IReadOnlyDictionary<string, object?>? Attributes = null);
