using System.Diagnostics;
using CrdtCollab.Host.Endpoints.Hub;
using CrdtCollab.Host.Intake;
using CrdtCollab.Host.LiveDocuments;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CrdtCollab.Benchmarks.Sync;

/// <summary>
/// Closed-loop intake throughput: validate → batch → commit → ack, as fast as acks allow.
/// Over SignalR: <c>connections</c> MessagePack clients, the documents split between them, each
/// connection keeping <c>inflight</c> Update invocations going (one writer YDoc per document per
/// in-flight slot, so each writer has one update outstanding). In-process: the same loop calling
/// <see cref="UpdateIntake.SubmitAsync"/> directly, with no transport or client cost.
/// Every run ends by checking that the rows in <c>events</c> equal the acks that said "stored".
/// </summary>
internal static class IntakeScenario
{
    public static async Task<RunResult> SignalRAsync(BenchServer server, SyncOptions o, string label)
    {
        var connections = new HubConnection[o.Connections];
        for (int c = 0; c < connections.Length; c++)
        {
            connections[c] = await server.ConnectAsync();
        }
        try
        {
            var docsOf = SplitDocuments(o.Documents, connections.Length, label);
            for (int c = 0; c < connections.Length; c++)
            {
                foreach (var (id, _) in docsOf[c])
                {
                    await connections[c].InvokeAsync<JoinResult>("Join", id, new byte[] { 0 });
                }
            }
            var counters = new Counters { RowsAtStart = await server.CountStoredEventsAsync() };
            var total = TimeSpan.FromSeconds(o.WarmupSeconds + o.Seconds);
            var clock = Stopwatch.StartNew();
            var workers = new List<Task>();
            for (int c = 0; c < connections.Length; c++)
            {
                for (int w = 0; w < o.InFlight; w++)
                {
                    var conn = connections[c];
                    var writers = docsOf[c].Select(d => new Writer(d.Id, d.Index)).ToArray();
                    int start = w;
                    workers.Add(Task.Run(async () =>
                    {
                        for (long i = start; clock.Elapsed < total && counters.Errors < 1_000; i++)
                        {
                            var writer = writers[i % writers.Length];
                            try
                            {
                                var ack = await conn.InvokeAsync<UpdateAck>("Update", writer.DocumentId, writer.Next("x"));
                                counters.Acked(ack.Stored);
                            }
                            catch (HubException)
                            {
                                counters.Error();
                            }
                        }
                    }));
                }
            }
            var result = await MeasureAsync(server, o, counters, clock, workers, "signalr");
            return result;
        }
        finally
        {
            foreach (var c in connections)
            {
                await c.DisposeAsync();
            }
        }
    }

    public static async Task<RunResult> InProcessAsync(BenchServer server, SyncOptions o, string label)
    {
        var registry = server.Services.GetRequiredService<LiveDocumentRegistry>();
        var intake = server.Services.GetRequiredService<UpdateIntake>();
        var docs = new LiveDocument[o.Documents];
        for (int d = 0; d < docs.Length; d++)
        {
            // Not attached (no subscriber: nothing is broadcast); BenchServer sets a 1 h idle
            // timeout, so the eviction loop leaves them alone for the run.
            docs[d] = await registry.GetOrLoadAsync($"{label}-{d}", CancellationToken.None);
        }
        var counters = new Counters { RowsAtStart = await server.CountStoredEventsAsync() };
        var total = TimeSpan.FromSeconds(o.WarmupSeconds + o.Seconds);
        var clock = Stopwatch.StartNew();
        var workers = new List<Task>();
        int perWorker = Math.Max(1, (int)Math.Ceiling((double)docs.Length / o.InProcessWriters));
        for (int w = 0; w < o.InProcessWriters; w++)
        {
            var mine = Enumerable.Range(0, perWorker).Select(j => ((w * perWorker) + j) % docs.Length).Distinct()
                .Select(d => (Doc: docs[d], Writer: new Writer(docs[d].Id, d))).ToArray();
            workers.Add(Task.Run(async () =>
            {
                for (long i = 0; clock.Elapsed < total && counters.Errors < 1_000; i++)
                {
                    var (doc, writer) = mine[i % mine.Length];
                    try
                    {
                        var receipt = await intake.SubmitAsync(doc, writer.Next("x"), null, null);
                        counters.Acked(receipt.Stored);
                    }
                    catch (IntakeRejectedException)
                    {
                        counters.Error();
                    }
                }
            }));
        }
        return await MeasureAsync(server, o, counters, clock, workers, "in-process");
    }

    private static async Task<RunResult> MeasureAsync(BenchServer server, SyncOptions o, Counters counters, Stopwatch clock, List<Task> workers, string path)
    {
        await Task.Delay(TimeSpan.FromSeconds(o.WarmupSeconds) - clock.Elapsed is { Ticks: > 0 } wait ? wait : TimeSpan.Zero);
        long windowStart = Stopwatch.GetTimestamp();
        var (a0, s0, cpu0, t0, b0) = (counters.AckedCount, counters.StoredCount, Process.GetCurrentProcess().TotalProcessorTime, clock.Elapsed, server.BatchStats);
        await Task.Delay(TimeSpan.FromSeconds(o.Seconds));
        var (a1, s1, cpu1, t1, b1) = (counters.AckedCount, counters.StoredCount, Process.GetCurrentProcess().TotalProcessorTime, clock.Elapsed, server.BatchStats);
        var load = Modes.LoadAverage.Text();
        try
        {
            await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(120));
        }
        catch (Exception e)
        {
            Console.WriteLine($"  warning: writers failed or did not finish within 120 s after the run: {e.GetType().Name}: {e.Message}");
        }
        long rowsAfter = await server.CountStoredEventsAsync();
        double secs = (t1 - t0).TotalSeconds;
        long acked = a1 - a0;
        long batches = b1.Batches - b0.Batches;
        // Whole-run totals: every stored ack of this run (warm-up, window and drain) against the
        // rows it added (the other path may have run on this server before).
        return new RunResult
        {
            Path = path,
            Seconds = secs,
            Acked = acked,
            UpdatesPerSecond = acked / secs,
            StoredInWindow = s1 - s0,
            TotalStoredAcks = counters.StoredCount,
            TotalAcked = counters.AckedCount,
            RowsAdded = rowsAfter - counters.RowsAtStart,
            Errors = counters.Errors,
            CpuMsPerThousand = (cpu1 - cpu0).TotalMilliseconds / Math.Max(1, acked) * 1000,
            CpuCoresBusy = (cpu1 - cpu0).TotalSeconds / secs,
            MeanBatch = batches == 0 ? 0 : (double)(b1.Updates - b0.Updates) / batches,
            MeanCommitMs = batches == 0 ? 0 : (b1.CommitMs - b0.CommitMs) / batches,
            LoadAverage = load,
            MaxConcurrentCommits = server.MaxConcurrentCommits(windowStart),
        };
    }

    /// <summary>
    /// Single-threaded CPU cost of the two CRDT steps every update pays in this process: the
    /// client making it (<see cref="Writer.Next"/>) and the server's validate-and-apply core
    /// (<see cref="Crdt.YDoc.ApplyUpdate"/> into a replica, with its UpdateV1 re-encoding), in µs of thread CPU per update.
    /// </summary>
    public static (double GenerateUs, double ApplyUs) CrdtCost(int documents, int updates = 50_000)
    {
        var writers = Enumerable.Range(0, documents).Select(d => new Writer($"cost-{d}", d)).ToArray();
        var made = new byte[updates][];
        var replicas = Enumerable.Range(0, documents).Select(_ => new Crdt.YDoc()).ToArray();
        foreach (var r in replicas)
        {
            r.UpdateV1 += (_, e) => GC.KeepAlive(e.Update);
        }
        for (int i = 0; i < 2_000; i++)
        {
            replicas[i % documents].ApplyUpdate(writers[i % documents].Next("x"));
        }
        // This thread's CPU time, so time spent descheduled on the shared machine does not count.
        double Now() => Gate.CpuTimeClock.ThreadMilliseconds() ?? Stopwatch.GetElapsedTime(0).TotalMilliseconds;
        double t0 = Now();
        for (int i = 0; i < updates; i++)
        {
            made[i] = writers[i % documents].Next("x");
        }
        double t1 = Now();
        for (int i = 0; i < updates; i++)
        {
            replicas[i % documents].ApplyUpdate(made[i]);
        }
        double t2 = Now();
        return ((t1 - t0) * 1000 / updates, (t2 - t1) * 1000 / updates);
    }

    /// <summary>Documents split between connections (each document written through one connection).</summary>
    internal static List<(string Id, int Index)>[] SplitDocuments(int documents, int connections, string label)
    {
        var docsOf = Enumerable.Range(0, connections).Select(_ => new List<(string, int)>()).ToArray();
        for (int d = 0; d < Math.Max(documents, connections); d++)
        {
            docsOf[d % connections].Add(($"{label}-{d % documents}", d % documents));
        }
        return docsOf;
    }

    internal sealed class Counters
    {
        private long _acked;
        private long _stored;
        private long _errors;

        public long RowsAtStart { get; set; }

        public long AckedCount => Interlocked.Read(ref _acked);

        public long StoredCount => Interlocked.Read(ref _stored);

        public long Errors => Interlocked.Read(ref _errors);

        public void Acked(bool stored)
        {
            Interlocked.Increment(ref _acked);
            if (stored)
            {
                Interlocked.Increment(ref _stored);
            }
        }

        public void Error() => Interlocked.Increment(ref _errors);
    }
}

/// <summary>One measured intake run.</summary>
internal sealed class RunResult
{
    public string Path { get; init; } = "";

    public string Batcher { get; set; } = "";

    public int FlushMax { get; set; }

    public int FlushMs { get; set; }

    public int Connections { get; set; }

    public int InFlight { get; set; }

    public int Writers { get; set; }

    public int Documents { get; set; }

    public double Seconds { get; init; }

    public long Acked { get; init; }

    public double UpdatesPerSecond { get; init; }

    public long StoredInWindow { get; init; }

    public long TotalAcked { get; init; }

    public long TotalStoredAcks { get; init; }

    public long RowsAdded { get; init; }

    public bool EveryUpdateStored => RowsAdded == TotalStoredAcks && TotalStoredAcks == TotalAcked;

    public long Errors { get; init; }

    /// <summary>CPU of the whole process (server and clients) per 1,000 acked updates.</summary>
    public double CpuMsPerThousand { get; init; }

    public double CpuCoresBusy { get; init; }

    public double MeanBatch { get; init; }

    public double MeanCommitMs { get; init; }

    public string LoadAverage { get; init; } = "";

    /// <summary>The most AppendBatch calls in progress at once during the window (1 = sequential commits).</summary>
    public int MaxConcurrentCommits { get; init; }
}
