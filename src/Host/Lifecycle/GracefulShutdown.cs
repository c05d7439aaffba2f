using CrdtCollab.Host.Commit;
using CrdtCollab.Host.Endpoints;
using CrdtCollab.Host.Intake;
using CrdtCollab.Host.LiveDocuments;
using Microsoft.Extensions.Options;

namespace CrdtCollab.Host.Lifecycle;

/// <summary>
/// On SIGTERM: stop accepting updates, wait (bounded) until every accepted update is committed,
/// then close the sockets with 1012 "service restart" so the providers reconnect to the next
/// server. Registered after Wolverine, so it stops before Wolverine's queues do.
/// </summary>
internal sealed class GracefulShutdown(CommitBacklog backlog, LiveDocumentRegistry registry, OpenSockets sockets,
    IOptions<SyncServerOptions> options, ILogger<GracefulShutdown> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        backlog.StopAccepting();
        var documents = registry.Loaded.ToArray();
        if (backlog.Pending > 0)
        {
            HostLog.ShutdownFlushing(logger, backlog.Pending);
        }
        var all = Task.WhenAll(documents.Select(d => d.WhenAllCommitted()));
        try
        {
            await all.WaitAsync(options.Value.ShutdownFlushTimeout, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            HostLog.ShutdownAbandoned(logger, backlog.Pending);
            backlog.Abandon();
            var reason = new IntakeRejectedException(RejectionReason.NotSaved, "the server stopped before the update was stored");
            foreach (var d in documents)
            {
                d.FailPendingAcks(reason);
            }
        }
        sockets.CloseAll("server restarting");
    }
}
