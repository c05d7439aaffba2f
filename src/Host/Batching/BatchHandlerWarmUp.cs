using Wolverine.Runtime;

namespace CrdtCollab.Host.Batching;

/// <summary>
/// Wolverine generates and compiles a handler the first time a message of its type arrives
/// (dynamic code generation): about 3 s on this machine, which the first batch would wait for.
/// Asking for the batch handler once the host has started moves that cost to start-up, before
/// the first client can be waiting on an ack.
/// </summary>
internal sealed class BatchHandlerWarmUp(IWolverineRuntime runtime, ILogger<BatchHandlerWarmUp> logger) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        _ = ((WolverineRuntime)runtime).Handlers.HandlerFor<PendingUpdate[]>();
        HostLog.Startup(logger, $"Wolverine batch handler compiled in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
