using System.Threading.Channels;
using CrdtCollab.Host.Broadcast;
using CrdtCollab.Host.LiveDocuments;
using Microsoft.AspNetCore.SignalR;

namespace CrdtCollab.Host.Endpoints.Hub;

/// <summary>
/// One joined document of one hub connection. Sends go through a bounded queue and one loop, so
/// they reach the client in the document's order and never block a broadcast; a connection that
/// falls too far behind is aborted (its client reconnects and resyncs).
/// </summary>
internal sealed class HubSubscriber : SubscriberBase
{
    private readonly Channel<OutgoingMessage> _outgoing;
    private readonly IHubContext<SyncHub> _hub;
    private readonly string _connectionId;
    private readonly Action _abort;
    private readonly Action<HubSubscriber> _revoked;
    private readonly Commit.SyncMetrics _metrics;

    public HubSubscriber(IHubContext<SyncHub> hub, string connectionId, Action abort, Action<HubSubscriber> revoked, int maxQueued,
        Security.ConnectionUser user, Security.SubscriberLimits limits, Commit.SyncMetrics metrics) : base(user, limits)
    {
        _metrics = metrics;
        _revoked = revoked;
        _hub = hub;
        _connectionId = connectionId;
        _abort = abort;
        _outgoing = Channel.CreateBounded<OutgoingMessage>(new BoundedChannelOptions(maxQueued) { SingleReader = true });
        _ = Task.Run(SendLoopAsync);
    }

    public override string ConnectionId => _connectionId;

    public override string Transport => Commit.SyncMetrics.SignalR;

    public LiveDocument Document { get; set; } = null!;

    public string DocumentId { get; init; } = "";

    public override void Deliver(OutgoingMessage message)
    {
        if (!_outgoing.Writer.TryWrite(message))
        {
            _abort();
        }
    }

    public override void Disconnect(string reason) => _abort();

    public override void RoleChanged(Security.Role role)
    {
        var client = _hub.Clients.Client(_connectionId);
        if (role == Security.Role.None)
        {
            _revoked(this);
            _ = client.SendAsync("revoked", DocumentId, "access revoked");
        }
        else
        {
            _ = client.SendAsync("role", DocumentId, Security.RoleNames.Of(role));
        }
    }

    public void Complete() => _outgoing.Writer.TryComplete();

    private async Task SendLoopAsync()
    {
        var client = _hub.Clients.Client(_connectionId);
        await foreach (var m in _outgoing.Reader.ReadAllAsync())
        {
            try
            {
                await client.SendAsync(m.Kind == OutgoingMessageKind.Update ? "update" : "awareness", m.DocumentId, m.Payload);
                if (m.Kind == OutgoingMessageKind.Update)
                {
                    _metrics.Delivered(Transport, m.AcceptedTimestamp);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                // The connection is going away; its disconnect handler detaches us.
                return;
            }
        }
    }
}
