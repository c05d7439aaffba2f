using System.Threading.Channels;
using CrdtCollab.Host.Commit;
using Microsoft.Extensions.Options;

namespace CrdtCollab.Host.Batching;

/// <summary>
/// The same batching as the Wolverine pipeline (flush at N updates or T after the first) on a
/// bare <see cref="Channel{T}"/> and one loop: the baseline Wolverine's cost is measured against.
/// </summary>
internal sealed class ChannelIntakeQueue : BackgroundService, IIntakeQueue
{
    private readonly Channel<PendingUpdate> _channel = Channel.CreateUnbounded<PendingUpdate>(new UnboundedChannelOptions { SingleReader = true });
    private readonly BatchCommitter _committer;
    private readonly SyncServerOptions _options;

    public ChannelIntakeQueue(BatchCommitter committer, IOptions<SyncServerOptions> options)
    {
        _committer = committer;
        _options = options.Value;
    }

    public ValueTask EnqueueAsync(PendingUpdate update) => _channel.Writer.WriteAsync(update);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _channel.Reader;
        var batch = new List<PendingUpdate>(_options.FlushMaxUpdates);
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            using var window = new CancellationTokenSource(_options.FlushInterval);
            try
            {
                while (batch.Count < _options.FlushMaxUpdates)
                {
                    if (reader.TryRead(out var u))
                    {
                        batch.Add(u);
                    }
                    else if (!await reader.WaitToReadAsync(window.Token))
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (window.IsCancellationRequested)
            {
                // The flush interval ran out: commit what we have.
            }
            await _committer.CommitAsync(batch.ToArray(), stoppingToken);
            batch.Clear();
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _channel.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }
}
