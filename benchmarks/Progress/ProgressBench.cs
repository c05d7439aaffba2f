using System.Diagnostics;
using CrdtCollab.Benchmarks.EventStore;
using CrdtCollab.Benchmarks.Modes;
using CrdtCollab.Crdt;
using CrdtCollab.EventStore;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Progress;
using CrdtCollab.Progress.Bridge;
using CrdtCollab.Progress.Documents;
using CrdtCollab.Progress.Domain;
using CrdtCollab.Progress.Sample;
using Marten;
using Npgsql;

namespace CrdtCollab.Benchmarks.Progress;

/// <summary>
/// The milestone bridge on the sample project's shape (500 drawings × 40 components by default):
/// <list type="bullet">
/// <item><b>throughput</b>: updates already committed to the CRDT log (each changing
/// <c>--per-update</c> milestones), then the bridge's daemon starts; milestone changes per second
/// until every one is in Marten's events and progress documents (the daemon's checkpoint commits
/// in the same transaction, so "caught up" means the documents are updated);</item>
/// <item><b>lag</b>: a writer commits <c>--rate</c> milestone changes per second for
/// <c>--seconds</c>; for each committed batch, the time until the daemon's committed checkpoint
/// covers it (p50/p99/max).</item>
/// </list>
/// Run: <c>dotnet run -c Release --project benchmarks -- progress [--drawings 500] [--components 40]
/// [--updates 10000] [--per-update 2] [--rate 500] [--seconds 20] [--batch 2000]</c>.
/// </summary>
public static class ProgressBench
{
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var drawingCount = Arg(args, "--drawings", 500);
        var perDrawing = Arg(args, "--components", 40);
        var updateCount = Arg(args, "--updates", 10_000);
        var perUpdate = Arg(args, "--per-update", 2);
        var rate = Arg(args, "--rate", 500);
        var seconds = Arg(args, "--seconds", 20);
        Console.WriteLine($"progress benchmark: {drawingCount} drawings x {perDrawing} components, {Environment.ProcessorCount} cores, load average {LoadAverage.Text()}");

        await using var server = await LocalPostgres.StartAsync();
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        var log = new PostgresEventStore(dataSource, new EventStoreOptions { Schema = "bench_log" });
        await log.MigrateAsync();
        var options = new ProgressOptions { Schema = "bench_progress", StreamIdOf = DocumentStreamId.For };
        var cold = Stopwatch.StartNew();
        await using var store = ProgressStore.Create(dataSource, options);
        await ProgressStore.MigrateAsync(store);
        Console.WriteLine($"Marten store created and migrated in {cold.ElapsedMilliseconds} ms");

        var commands = new ProgressCommands(store);
        const string projectId = "bench";
        await commands.CreateProjectAsync(projectId, "Benchmark plant", null);
        var spec = new SampleProjectSpec { ProjectId = projectId, Drawings = drawingCount, ComponentsPerDrawing = perDrawing };
        var (drawings, components) = SampleProjectLoader.Generate(spec, new Random(spec.Seed));
        var import = Stopwatch.StartNew();
        await commands.ImportAsync(projectId, drawings, components);
        Console.WriteLine($"imported {drawings.Count:N0} drawings and {components.Count:N0} components in {import.ElapsedMilliseconds:N0} ms");

        var writer = new BenchWriter(log, projectId, drawings, components);
        await writer.SeedAsync();
        var bridge = new MilestoneBridge(store, log);
        var daemonOptions = new ProjectionDaemonOptions { PollInterval = TimeSpan.FromMilliseconds(100), BatchSize = Arg(args, "--batch", 2_000) };
        await using (var warm = new ProjectionDaemon(log, bridge, daemonOptions))
        {
            // The seeds make the bridge build a replica of every drawing (what a long-running server has).
            warm.Start();
            await CaughtUpAsync(warm);
            await warm.StopAsync();
        }

        // Throughput: everything committed first, then the daemon catches up.
        var updates = writer.Generate(updateCount, perUpdate);
        await writer.CommitAsync(updates);
        var changesBefore = bridge.Counters.Changes;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var timer = Stopwatch.StartNew();
        await using (var daemon = new ProjectionDaemon(log, bridge, daemonOptions))
        {
            daemon.Start();
            await CaughtUpAsync(daemon);
            timer.Stop();
            await daemon.StopAsync();
        }
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var changes = bridge.Counters.Changes - changesBefore;
        var throughput = changes / timer.Elapsed.TotalSeconds;
        // CPU of this process only (bridge + Marten client side); PostgreSQL's backends are not in it.
        Console.WriteLine($"throughput: {changes:N0} milestone changes ({updateCount:N0} updates) committed to Marten events + progress documents in {timer.Elapsed.TotalMilliseconds:N0} ms = {throughput:N0} changes/s; " +
            $"process CPU {cpu.TotalMicroseconds / changes:F1} µs/change, {cpu.TotalMilliseconds / timer.Elapsed.TotalMilliseconds:F2} cores busy (load average {LoadAverage.Text()})");

        // Lag: a steady writer, the daemon running.
        var lags = new List<double>();
        await using (var daemon = new ProjectionDaemon(log, bridge, daemonOptions))
        {
            daemon.Start();
            await CaughtUpAsync(daemon);
            const int ticksPerSecond = 20;
            var perTick = Math.Max(1, rate / ticksPerSecond / perUpdate);
            var pending = new List<(long Position, long CommittedAt)>();
            var start = Stopwatch.GetTimestamp();
            var tick = 0;
            using var cts = new CancellationTokenSource();
            var watcher = Task.Run(async () =>
            {
                while (!cts.IsCancellationRequested || pending.Count > 0)
                {
                    var checkpoint = daemon.Checkpoint;
                    var now = Stopwatch.GetTimestamp();
                    lock (pending)
                    {
                        pending.RemoveAll(p =>
                        {
                            if (p.Position > checkpoint)
                            {
                                return false;
                            }
                            lags.Add(Stopwatch.GetElapsedTime(p.CommittedAt, now).TotalMilliseconds);
                            return true;
                        });
                    }
                    await Task.Delay(1);
                }
            });
            while (Stopwatch.GetElapsedTime(start).TotalSeconds < seconds)
            {
                var batch = writer.Generate(perTick, perUpdate);
                var position = await writer.CommitAsync(batch);
                lock (pending)
                {
                    pending.Add((position, Stopwatch.GetTimestamp()));
                }
                tick++;
                var due = start + (long)(tick * (double)Stopwatch.Frequency / ticksPerSecond);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }
            }
            await cts.CancelAsync();
            await watcher.WaitAsync(TimeSpan.FromSeconds(60));
            var achieved = tick * perTick * perUpdate / Stopwatch.GetElapsedTime(start).TotalSeconds;
            lags.Sort();
            Console.WriteLine($"lag at {achieved:N0} changes/s ({perTick * perUpdate} changes per commit, {ticksPerSecond} commits/s, {seconds} s): " +
                $"p50 {Percentile(lags, 0.5):F1} ms, p99 {Percentile(lags, 0.99):F1} ms, max {lags[^1]:F1} ms over {lags.Count} commits (load average {LoadAverage.Text()})");
            await daemon.StopAsync();
        }
        var counters = bridge.Counters;
        Console.WriteLine($"bridge counters: {counters.Updates:N0} updates, {counters.Changes:N0} changes, {counters.Rejected} rejected, {counters.Ignored} ignored, {counters.ColdLoads:N0} replica loads");
        var ok = throughput >= 5_000 && Percentile(lags, 0.99) < 1_000;
        Console.WriteLine(ok ? "targets met (>= 5,000 changes/s, lag p99 < 1 s at the given rate)" : "TARGETS NOT MET");
        return ok ? 0 : 1;
    }

    private static async Task CaughtUpAsync(ProjectionDaemon daemon)
    {
        while (await daemon.GetLagAsync() > 0)
        {
            await Task.Delay(5);
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>Crews' edits: one replica per drawing, each update changing a few milestones to a new valid value.</summary>
    private sealed class BenchWriter(PostgresEventStore log, string projectId, List<DrawingSpec> drawings, List<ComponentSpec> components)
    {
        private readonly Dictionary<string, YDoc> _docs = drawings.ToDictionary(d => d.DrawingId, _ => new YDoc());
        private readonly Dictionary<string, List<ComponentSpec>> _byDrawing = components.GroupBy(c => c.DrawingId).ToDictionary(g => g.Key, g => g.ToList());
        private readonly Dictionary<(string, string, string), double> _values = [];
        private readonly Random _random = new(7);

        public async Task SeedAsync() =>
            await CommitAsync([.. drawings.Select(d => (d.DrawingId, Capture(_docs[d.DrawingId], doc => DrawingDocument.Seed(doc, _byDrawing[d.DrawingId].Select(c => c.ComponentId)))))]);

        public List<(string DrawingId, byte[] Update)> Generate(int count, int perUpdate)
        {
            var result = new List<(string, byte[])>(count);
            for (var i = 0; i < count; i++)
            {
                var drawing = drawings[_random.Next(drawings.Count)].DrawingId;
                var list = _byDrawing[drawing];
                result.Add((drawing, Capture(_docs[drawing], doc =>
                {
                    var touched = new HashSet<(string, string)>();
                    while (touched.Count < perUpdate)
                    {
                        var component = list[_random.Next(list.Count)];
                        var template = ComponentTypes.DefaultTemplates[component.Type];
                        var milestone = template[_random.Next(template.Count)];
                        if (!touched.Add((component.ComponentId, milestone.Name)))
                        {
                            continue;
                        }
                        var key = (drawing, component.ComponentId, milestone.Name);
                        var old = _values.GetValueOrDefault(key);
                        var value = milestone.Kind == MilestoneKind.Checkbox ? 100 - old : (old + 1 + _random.Next(99)) % 101;
                        _values[key] = value;
                        DrawingDocument.SetMilestone(doc, component.ComponentId, milestone.Name, value);
                    }
                })));
            }
            return result;
        }

        /// <summary>Commits the updates as the sync server's committer does (batches of up to 500); returns the last position.</summary>
        public async Task<long> CommitAsync(List<(string DrawingId, byte[] Update)> updates)
        {
            long last = 0;
            foreach (var chunk in updates.Chunk(500))
            {
                var results = await log.AppendBatchAsync([.. chunk.Select(u => new AppendRequest(
                    DocumentStreamId.For(DrawingDocumentIds.For(projectId, u.DrawingId)), ExpectedVersion.Any, [new EventData("update", u.Update) { UserId = "crew" }]))]);
                last = results.Max(r => r.GlobalPositions[^1]);
            }
            return last;
        }

        private static byte[] Capture(YDoc doc, Action<YDoc> edit)
        {
            var list = new List<byte[]>();
            void OnUpdate(object? sender, YUpdateEventArgs e) => list.Add(e.Update);
            doc.UpdateV1 += OnUpdate;
            try
            {
                edit(doc);
            }
            finally
            {
                doc.UpdateV1 -= OnUpdate;
            }
            return list.Count == 1 ? list[0] : YUpdate.MergeUpdates(list);
        }
    }
}
