namespace CrdtCollab.Host.Security;

/// <summary>What a user may do with a document, in increasing order.</summary>
public enum Role
{
    /// <summary>No access: the document is not even readable.</summary>
    None = 0,

    /// <summary>Receives updates and awareness (presence is allowed); cannot change the document.</summary>
    Viewer = 1,

    /// <summary>A viewer who may comment (comments arrive with the collaboration issue); cannot change the text.</summary>
    Commenter = 2,

    /// <summary>Reads and writes the document.</summary>
    Editor = 3,

    /// <summary>An editor who also grants, changes and revokes roles.</summary>
    Owner = 4,
}
