namespace CrdtCollab.Client.Protocol;

/// <summary>What the hub's <c>Update</c> returns, once the update is committed to the server's store.</summary>
internal sealed class UpdateAck
{
    /// <summary>False when the update added nothing new and was therefore not stored a second time.</summary>
    public bool Stored { get; set; }

    /// <summary>The document's stream version once this update is saved.</summary>
    public long Version { get; set; }
}
