using CrdtCollab.Host.Commit;
using CrdtCollab.Host.Endpoints;
using CrdtCollab.Host.Intake;
using CrdtCollab.Host.LiveDocuments;
using Microsoft.Extensions.Options;

namespace CrdtCollab.Host.Lifecycle;

/// <summary>
/// On SIGTERM: stop accepting updates, wait (bounded) until every accepted update is committed,
/// then close the sockets with 1012 "service restart" so the providers reconnect to the next
/// server. SignalR closes its connections as soon as the host signals ApplicationStopping, so the
/// flush runs inside that signal: the callback is registered once the host has started, after
/// SignalR's, and token callbacks run last-registered first. It blocks the stopping thread on
/// purpose: nothing else may stop until the acks are out.
/// </summary>
internal sealed class GracefulShutdown(CommitBacklog backlog, LiveDocumentRegistry registry, OpenSockets sockets,
    IHostApplicationLifetime lifetime, IOptions<SyncServerOptions> options, ILogger<GracefulShutdown> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() => FlushAsync().GetAwaiter().GetResult());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task FlushAsync()
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
            await all.WaitAsync(options.Value.ShutdownFlushTimeout);
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
        // The acks are released, but SignalR writes them after this returns, and it closes its
        // connections as soon as it does: give the writes a moment.
        await Task.Delay(options.Value.AckGracePeriod);
    }
}
