namespace CrdtCollab.Crdt.Types;

/// <summary>
/// One insert operation of a rich-text delta (Quill's format): a string, an embed or a nested
/// type, with the formatting attributes in effect (null when there are none).
/// </summary>
/// <param name="Insert">The inserted string, embed value or shared type.</param>
/// <param name="Attributes">The attributes in effect, or null.</param>
public sealed record YDeltaOp(object? Insert, IReadOnlyDictionary<string, object?>? Attributes = null);
