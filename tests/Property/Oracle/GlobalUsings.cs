global using CrdtCollab.Crdt;
global using CrdtCollab.Crdt.Types;

// The engine's shared types may live in CrdtCollab.Crdt or CrdtCollab.Crdt.Types; this anchor
// keeps the second using valid whichever it is.
namespace CrdtCollab.Crdt.Types
{
    internal static class TestNamespaceAnchor
    {
    }
}
