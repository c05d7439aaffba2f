using CrdtCollab.Host.Broadcast;
using CrdtCollab.Host.Intake;
using CrdtCollab.Host.LiveDocuments;
using Microsoft.Extensions.Options;

namespace CrdtCollab.Host.Security;

/// <summary>
/// Opening and closing a document session, for every transport: the user's role is resolved
/// (the first user of a document becomes its owner), the per-user and per-document session limits
/// are checked, and only then is the subscriber attached.
/// </summary>
internal sealed class DocumentAccess(PermissionStore permissions, LiveDocumentRegistry registry, UserSessions sessions,
    IOptions<AuthOptions> auth, IOptions<SecurityLimits> limits, Commit.SyncMetrics metrics, ILogger<DocumentAccess> logger)
{
    private readonly Role _linkRole = RoleNames.TryParse(auth.Value.DefaultLinkRole, out var r) ? r : Role.None;

    /// <summary>The user's role, claiming an unowned document (for checks before a WebSocket upgrade).</summary>
    public Task<Role> ResolveAsync(string documentId, ConnectionUser user, CancellationToken cancellationToken) =>
        permissions.ResolveAsync(documentId, user.Id, _linkRole, cancellationToken);

    /// <exception cref="IntakeRejectedException">No access, or a session limit is reached.</exception>
    public async Task<LiveDocument> OpenAsync(string documentId, IDocumentSubscriber subscriber, CancellationToken cancellationToken)
    {
        var role = await permissions.ResolveAsync(documentId, subscriber.User.Id, _linkRole, cancellationToken);
        if (!RoleNames.CanRead(role))
        {
            throw Refuse(documentId, RejectionReason.Forbidden, $"{subscriber.User.Id} has no access to {documentId}");
        }
        subscriber.Role = role;
        if (!sessions.TryAdd(subscriber, limits.Value.MaxConnectionsPerUser))
        {
            throw Refuse(documentId, RejectionReason.TooManyConnections, $"{subscriber.User.Id} has {limits.Value.MaxConnectionsPerUser} open sessions");
        }
        try
        {
            var doc = await registry.AttachAsync(documentId, subscriber, cancellationToken);
            // A change between the look-up and the attach would have found no subscriber to tell.
            var now = await permissions.RoleOfAsync(documentId, subscriber.User.Id, cancellationToken);
            if (now != role)
            {
                Apply(doc, subscriber, now);
            }
            return doc;
        }
        catch (IntakeRejectedException e)
        {
            // A limit found by the registry or the document (server-busy, too-many-connections).
            metrics.Rejected(e.Code);
            sessions.Remove(subscriber);
            throw;
        }
        catch
        {
            sessions.Remove(subscriber);
            throw;
        }
    }

    public void Close(LiveDocument doc, IDocumentSubscriber subscriber)
    {
        doc.Detach(subscriber);
        sessions.Remove(subscriber);
    }

    /// <summary>Applies a changed role to an open session: read-only, or (none) closed.</summary>
    public void Apply(LiveDocument doc, IDocumentSubscriber subscriber, Role role)
    {
        if (role == subscriber.Role)
        {
            return;
        }
        subscriber.Role = role;
        HostLog.RoleChanged(logger, doc.Id, subscriber.User.Id, RoleNames.Of(role));
        if (role == Role.None)
        {
            Close(doc, subscriber);
        }
        subscriber.RoleChanged(role);
    }

    private IntakeRejectedException Refuse(string documentId, RejectionReason reason, string detail)
    {
        var e = new IntakeRejectedException(reason, detail);
        metrics.Rejected(e.Code);
        HostLog.UpdateRejected(logger, documentId, e.Code, detail);
        return e;
    }
}
