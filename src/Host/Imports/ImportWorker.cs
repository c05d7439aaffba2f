using CrdtCollab.Progress.Import;

namespace CrdtCollab.Host.Imports;

/// <summary>Runs queued CSV imports one at a time for the life of the server.</summary>
internal sealed class ImportWorker(ImportQueue queue, ImportRunner runner) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await queue.RunAsync(runner, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: the job in progress was marked failed; its file can be uploaded again.
        }
    }
}
