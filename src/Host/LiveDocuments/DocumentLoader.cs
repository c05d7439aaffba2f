using CrdtCollab.Crdt;
using CrdtCollab.EventStore;

namespace CrdtCollab.Host.LiveDocuments;

/// <summary>Builds a live document from its latest snapshot plus the events after it.</summary>
internal sealed class DocumentLoader(PostgresEventStore store, Storage.DocumentCatalog catalog, TimeProvider time)
{
    /// <summary>
    /// Loads the whole document or throws: a state derived from a failed or partial read is never
    /// served (a served partial state would be merged back into clients and then stored).
    /// </summary>
    public async Task<LiveDocument> LoadAsync(string documentId, CancellationToken cancellationToken)
    {
        var streamId = DocumentStreamId.For(documentId);
        await catalog.EnsureAsync(documentId, streamId, cancellationToken);
        var state = await store.LoadDocumentAsync(streamId, null, cancellationToken);
        var doc = new YDoc();
        long bytes = 0;
        foreach (var update in state.Updates())
        {
            doc.ApplyUpdate(update, origin: null);
            bytes += update.Length;
        }
        return new LiveDocument(documentId, doc, state.Version, bytes, time) { EventsSinceSnapshot = state.Tail.Count };
    }
}
