using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt;

/// <summary>A <see cref="RelativePosition"/> resolved in a document (yjs's <c>AbsolutePosition</c>).</summary>
/// <param name="Type">The shared type the position is in.</param>
/// <param name="Index">The index in <paramref name="Type"/> (countable units before the position).</param>
/// <param name="Assoc">The association the relative position had.</param>
public sealed record AbsolutePosition(YType Type, int Index, int Assoc);
