namespace CrdtCollab.Host.Endpoints.Hub;

/// <summary>The answer to <c>Sync</c>: as <see cref="JoinResult"/> without awareness.</summary>
public sealed record SyncResult(byte[] Update, byte[] StateVector);
