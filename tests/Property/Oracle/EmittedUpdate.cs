namespace CrdtCollab.Property.Tests.Oracle;

/// <summary>One update a yjs doc emitted: <see cref="Remote"/> when its origin was the applied remote update, otherwise a local (e.g. formatting-cleanup) transaction.</summary>
public sealed record EmittedUpdate(byte[] Update, bool Remote, bool Local);
