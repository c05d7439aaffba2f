using Microsoft.Extensions.Options;

namespace CrdtCollab.Host.ScaleOut;

/// <summary>The periodic check of <see cref="RedisDocumentFanOut.CheckAsync"/>: the safety net for any message Redis lost.</summary>
internal sealed class CatchUpService(RedisDocumentFanOut fanOut, IOptions<ScaleOutOptions> options, ILogger<CatchUpService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CatchUpInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await fanOut.CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ScaleOutLog.CheckFailed(logger, e);
            }
        }
    }
}
