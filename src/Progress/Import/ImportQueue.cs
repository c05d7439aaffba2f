using System.Collections.Concurrent;
using System.Threading.Channels;

namespace CrdtCollab.Progress.Import;

/// <summary>
/// Uploads waiting to be imported, and the jobs of this server process (status is kept in memory:
/// a restart forgets finished imports, and an import cut off by one is reported as failed to no
/// one, but its file can be uploaded again). One import runs at a time — each one is a long
/// sequence of transactions on the same project stream, so two would only fail each other's
/// version checks.
/// </summary>
public sealed class ImportQueue
{
    /// <summary>Finished jobs kept for status requests; the oldest finished go first.</summary>
    public const int RetainedJobs = 200;

    /// <summary>Uploads waiting at most; one more is refused with "try later".</summary>
    public const int MaxQueued = 16;

    private readonly ConcurrentDictionary<string, ImportJob> _jobs = new(StringComparer.Ordinal);
    private readonly Channel<ImportJob> _queue = Channel.CreateBounded<ImportJob>(new BoundedChannelOptions(MaxQueued) { SingleReader = true });
    private readonly ImportLimits _limits;
    private readonly TimeProvider _time;
    private readonly string _directory;

    /// <summary>Creates the queue; uploads are kept under <paramref name="directory"/> until imported.</summary>
    public ImportQueue(ImportLimits limits, TimeProvider time, string directory)
    {
        _limits = limits;
        _time = time;
        _directory = directory;
        Directory.CreateDirectory(directory);
    }

    /// <summary>
    /// Copies <paramref name="upload"/> to a temporary file, stopping at
    /// <see cref="ImportLimits.MaxFileBytes"/> (<see cref="ImportTooLargeException"/>, the partial
    /// copy deleted), and queues its import. Null when the queue is full.
    /// </summary>
    public async Task<ImportJob?> EnqueueAsync(string projectId, string user, string fileName, Stream upload, CancellationToken ct)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".csv");
        long bytes = 0;
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int n;
                while ((n = await upload.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    bytes += n;
                    if (bytes > _limits.MaxFileBytes)
                    {
                        throw new ImportTooLargeException(_limits.MaxFileBytes);
                    }
                    await file.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                }
            }
            var job = new ImportJob(projectId, user, fileName, path, bytes, _limits.MaxReportedErrors, _time);
            if (!_queue.Writer.TryWrite(job))
            {
                File.Delete(path);
                return null;
            }
            _jobs[job.Id] = job;
            Trim();
            return job;
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>The job <paramref name="importId"/> of <paramref name="projectId"/>, or null.</summary>
    public ImportJob? Find(string projectId, string importId) =>
        _jobs.TryGetValue(importId, out var job) && job.ProjectId == projectId ? job : null;

    /// <summary>The jobs of a project, newest first.</summary>
    public IReadOnlyList<ImportJob> List(string projectId) =>
        [.. _jobs.Values.Where(j => j.ProjectId == projectId).OrderByDescending(j => j.CreatedAt)];

    /// <summary>Runs queued imports one after another until <paramref name="ct"/> stops it.</summary>
    public async Task RunAsync(ImportRunner runner, CancellationToken ct)
    {
        await foreach (var job in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            try
            {
                await runner.RunAsync(job, ct).ConfigureAwait(false);
            }
            finally
            {
                File.Delete(job.Path);
            }
        }
    }

    private void Trim()
    {
        var excess = _jobs.Count - RetainedJobs;
        if (excess <= 0)
        {
            return;
        }
        foreach (var old in _jobs.Values.Where(j => j.Done).OrderBy(j => j.CreatedAt).Take(excess))
        {
            _jobs.TryRemove(old.Id, out _);
        }
    }
}
