namespace CrdtCollab.Progress.Import;

/// <summary>What an import file holds; the header says which (a <c>component</c> column means components).</summary>
public enum ImportKind
{
    /// <summary>One row per drawing: where it sits in the project (area, system, test package).</summary>
    Drawings,

    /// <summary>One row per component: the drawing it is on and its type, which decides its milestones.</summary>
    Components,
}
