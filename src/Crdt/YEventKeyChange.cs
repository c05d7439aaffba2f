namespace CrdtCollab.Crdt;

/// <summary>A changed key in <see cref="YEvent.Keys"/>, as yjs's <c>{ action, oldValue }</c>.</summary>
/// <param name="Action">Add, update or delete.</param>
/// <param name="OldValue">The value before the transaction (null for <see cref="YEventKeyAction.Add"/>, where yjs has undefined).</param>
public sealed record YEventKeyChange(YEventKeyAction Action, object? OldValue);
