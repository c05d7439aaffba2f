using System.Diagnostics;
using System.Globalization;
using System.Text;
using CrdtCollab.Benchmarks.EventStore;
using CrdtCollab.Benchmarks.Modes;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Progress;
using CrdtCollab.Progress.Import;
using CrdtCollab.Progress.Queries;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CrdtCollab.Benchmarks.Progress;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks -- progress-import [--rows 100000]</c>: a
/// component CSV that also defines its drawings (40 components per drawing) imported through
/// <see cref="ImportRunner"/> into a fresh project, then the same file again (a no-op). Shows
/// time per pass and the managed heap while it streams, sampled every 20 ms, against the size
/// of the file: the rows are never held in memory together.
/// </summary>
internal static class ImportBenchmark
{
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var i = Array.IndexOf(args, "--rows");
        var rows = i >= 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 100_000;
        await using var server = await LocalPostgres.StartAsync();
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var store = ProgressStore.Create(dataSource, new ProgressOptions { Schema = "bench_import", StreamIdOf = DocumentStreamId.For });
        await ProgressStore.MigrateAsync(store);
        var commands = new ProgressCommands(store);
        await commands.CreateProjectAsync("bench", "Import benchmark", "lead");
        var runner = new ImportRunner(commands, new ProgressQueries(store), new ImportLimits(), NullLogger<ImportRunner>.Instance);

        var path = Path.Combine(Path.GetTempPath(), $"crdtcollab-import-bench-{Guid.NewGuid():N}.csv");
        try
        {
            WriteFile(path, rows);
            var bytes = new FileInfo(path).Length;
            Console.WriteLine($"progress-import: {rows:N0} rows, {bytes / 1048576.0:F1} MiB; {Environment.ProcessorCount} cores; load average {LoadAverage.Text()}");
            foreach (var label in new[] { "first import", "same file again" })
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var baseline = GC.GetTotalMemory(true);
                var job = new ImportJob("bench", "lead", "bench.csv", path, bytes, 100, TimeProvider.System);
                using var sampling = new CancellationTokenSource();
                long peak = 0;
                var sampler = Task.Run(async () =>
                {
                    while (!sampling.IsCancellationRequested)
                    {
                        peak = Math.Max(peak, GC.GetTotalMemory(false));
                        await Task.Delay(20).ConfigureAwait(false);
                    }
                });
                var watch = Stopwatch.StartNew();
                await runner.RunAsync(job, CancellationToken.None);
                watch.Stop();
                await sampling.CancelAsync();
                await sampler;
                var status = job.Snapshot();
                Console.WriteLine($"{label}: {status.Phase} in {watch.Elapsed.TotalSeconds:F1} s ({rows / watch.Elapsed.TotalSeconds:N0} rows/s); " +
                    $"components added {status.Totals.ComponentsAdded:N0}, unchanged {status.Totals.ComponentsUnchanged:N0}; " +
                    $"managed heap peak {(peak - baseline) / 1048576.0:F0} MiB above the {baseline / 1048576.0:F0} MiB before");
            }
            Console.WriteLine($"load average after: {LoadAverage.Text()}; process peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB");
        }
        finally
        {
            File.Delete(path);
        }
        return 0;
    }

    private static void WriteFile(string path, int rows)
    {
        var types = new[] { "spool", "field-weld", "support", "valve", "instrument" };
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        writer.Write("drawing,title,area,system,component,type,test_package,description\n");
        for (var r = 0; r < rows; r++)
        {
            var d = r / 40;
            writer.Write($"P-{d:00000},Line {d} piping,A-{d % 12:00},S-{d % 30:00},C-{r % 40:000},{types[r % 5]},TP-{d % 150:000},2in CS sch 40\n");
        }
    }
}
