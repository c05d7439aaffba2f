namespace CrdtCollab.EventStore;

/// <summary>Why a document version exists.</summary>
public enum DocumentVersionKind
{
    /// <summary>A user named it.</summary>
    Named,

    /// <summary>Automatic: the last state before editing resumed after an idle gap.</summary>
    Idle,

    /// <summary>Automatic: every N updates.</summary>
    Count,
}
