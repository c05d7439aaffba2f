using System.Collections.Concurrent;
using CrdtCollab.Host.Broadcast;
using Microsoft.Extensions.Options;

namespace CrdtCollab.Host.LiveDocuments;

/// <summary>
/// The documents in memory. The first join loads a document; concurrent first joins share that
/// one load; a failed load is forgotten so the next join tries again. Idle documents are evicted
/// by <see cref="DocumentEvictionService"/>.
/// </summary>
internal sealed class LiveDocumentRegistry(DocumentLoader loader, IOptions<SyncServerOptions> options, IOptions<Security.SecurityLimits> limits,
    ILogger<LiveDocumentRegistry> logger, ScaleOut.IDocumentReplication? replication = null)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<LiveDocument>>> _documents = new(StringComparer.Ordinal);

    public int Count => _documents.Count;

    /// <summary>The documents loaded so far (loads still running are skipped).</summary>
    public IEnumerable<LiveDocument> Loaded =>
        _documents.Values.Where(l => l.IsValueCreated && l.Value.IsCompletedSuccessfully).Select(l => l.Value.Result);

    /// <summary>Loads (or finds) a document and attaches the subscriber to it.</summary>
    /// <exception cref="Intake.IntakeRejectedException">The live-document limit is reached and nothing can be evicted.</exception>
    public async Task<LiveDocument> AttachAsync(string documentId, IDocumentSubscriber subscriber, CancellationToken cancellationToken)
    {
        while (true)
        {
            var doc = await GetOrLoadAsync(documentId, cancellationToken);
            if (doc.TryAttach(subscriber, limits.Value.MaxConnectionsPerDocument))
            {
                return doc;
            }
            // Evicted between the look-up and the attach: drop the stale entry and load again.
            Remove(doc);
        }
    }

    /// <summary>A live document, or null when it is not in memory.</summary>
    public LiveDocument? Find(string documentId) =>
        _documents.TryGetValue(documentId, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully && !lazy.Value.Result.Evicted
            ? lazy.Value.Result
            : null;

    /// <summary>Loads a document without attaching (REST reads); the eviction loop drops it later.</summary>
    public Task<LiveDocument> GetOrLoadAsync(string documentId, CancellationToken cancellationToken)
    {
        if (!_documents.ContainsKey(documentId) && _documents.Count >= options.Value.MaxLiveDocuments)
        {
            MakeRoom();
        }
        var lazy = _documents.GetOrAdd(documentId, id => new Lazy<Task<LiveDocument>>(() => LoadAsync(id)));
        return lazy.Value.WaitAsync(cancellationToken);
    }

    /// <summary>Forgets an evicted document.</summary>
    public void Remove(LiveDocument doc)
    {
        if (_documents.TryGetValue(doc.Id, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully && ReferenceEquals(lazy.Value.Result, doc))
        {
            if (_documents.TryRemove(new KeyValuePair<string, Lazy<Task<LiveDocument>>>(doc.Id, lazy)))
            {
                replication?.Detach(doc);
            }
        }
    }

    private async Task<LiveDocument> LoadAsync(string documentId)
    {
        try
        {
            // Not the joiner's token: a load shared by several joiners must not die with the first.
            var doc = await loader.LoadAsync(documentId, CancellationToken.None);
            if (replication is not null)
            {
                // Multi-node: subscribe to the other nodes' updates and catch up from the log first.
                await replication.AttachAsync(doc);
            }
            HostLog.DocumentLoaded(logger, documentId, doc.Version, doc.ApproximateBytes);
            return doc;
        }
        catch (Exception e)
        {
            HostLog.DocumentLoadFailed(logger, documentId, e);
            _documents.TryRemove(documentId, out _);
            throw;
        }
    }

    private void MakeRoom()
    {
        var idle = Loaded.Where(d => d.SubscriberCount == 0).OrderBy(d => d.IdleSince).FirstOrDefault();
        if (idle is not null && idle.TryEvict())
        {
            Remove(idle);
            return;
        }
        throw new Intake.IntakeRejectedException(Intake.RejectionReason.ServerBusy,
            $"the server holds its limit of {options.Value.MaxLiveDocuments} live documents");
    }
}
