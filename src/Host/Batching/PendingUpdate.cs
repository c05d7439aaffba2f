using CrdtCollab.Host.LiveDocuments;

namespace CrdtCollab.Host.Batching;

/// <summary>
/// An accepted update waiting for its batch: what it added to its document, under the document's
/// sequence number. Travels in memory only (a local queue), so it may hold the live document.
/// Public only because Wolverine's generated handler code must name the type; its members are ours.
/// </summary>
public sealed class PendingUpdate
{
    internal PendingUpdate(LiveDocument document, long sequence, byte[] update, Guid updateId, string? userId, string? connectionId = null,
        System.Diagnostics.ActivityContext traceContext = default)
    {
        ConnectionId = connectionId;
        TraceContext = traceContext;
        Document = document;
        Sequence = sequence;
        Update = update;
        UpdateId = updateId;
        UserId = userId;
    }

    internal LiveDocument Document { get; }

    internal long Sequence { get; }

    internal byte[] Update { get; }

    /// <summary>Makes a retried append of the same batch a no-op instead of a duplicate.</summary>
    internal Guid UpdateId { get; }

    internal string? UserId { get; }

    /// <summary>The connection it came from (null for REST or imports), for the batch's log scope.</summary>
    internal string? ConnectionId { get; }

    /// <summary>Its commit_wait span (default when not traced): the batch's span links to it.</summary>
    internal System.Diagnostics.ActivityContext TraceContext { get; }

    /// <summary>When it was accepted, for ack latency.</summary>
    internal long AcceptedTimestamp { get; } = System.Diagnostics.Stopwatch.GetTimestamp();
}
