using CrdtCollab.Host.LiveDocuments;

namespace CrdtCollab.Host.ScaleOut;

/// <summary>
/// What <see cref="LiveDocumentRegistry"/> tells the scale-out layer: a document was loaded (subscribe
/// to its channel and catch up from the log before it is served) or dropped (unsubscribe).
/// Registered only when Redis is configured.
/// </summary>
internal interface IDocumentReplication
{
    /// <summary>Subscribes and catches up; never throws (a Redis failure leaves the periodic check to retry).</summary>
    Task AttachAsync(LiveDocument doc);

    void Detach(LiveDocument doc);
}
