namespace CrdtCollab.Crdt;

/// <summary>What a transaction did to one key of a map (or attribute of an XML element or text).</summary>
public enum YEventKeyAction
{
    /// <summary>The key had no value before and has one now.</summary>
    Add,

    /// <summary>The key had a value before and has another one now.</summary>
    Update,

    /// <summary>The key had a value before and has none now.</summary>
    Delete,
}
