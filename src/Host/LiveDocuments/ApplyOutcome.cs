namespace CrdtCollab.Host.LiveDocuments;

/// <summary>
/// What applying one received update did. <see cref="ToStore"/> is null when the update added
/// nothing; <see cref="Saved"/> completes with the stream version once everything the update
/// contributed (or repeated) is committed.
/// </summary>
internal readonly record struct ApplyOutcome(long Sequence, byte[]? ToStore, Task<long> Saved);
