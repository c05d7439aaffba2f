using System.Collections.Concurrent;
using System.Diagnostics;
using CrdtCollab.Host.Endpoints.Hub;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CrdtCollab.Benchmarks.Sync;

/// <summary>
/// Open-loop ack latency: sends are scheduled on a clock at a fixed rate (they do not wait for
/// earlier acks), spread round-robin over the connections and documents; latency runs from the
/// <c>InvokeAsync</c> call to the ack's arrival. Each send takes a free writer of its document
/// (a new one when all are busy), so no writer has two updates in flight.
/// </summary>
internal static class AckScenario
{
    private const int MaxWriters = 50_000;

    public static async Task<AckResult> RunAsync(BenchServer server, SyncOptions o, int rate, string label)
    {
        var connections = new HubConnection[o.Connections];
        for (int c = 0; c < connections.Length; c++)
        {
            connections[c] = await server.ConnectAsync();
        }
        try
        {
            var docsOf = IntakeScenario.SplitDocuments(o.Documents, connections.Length, label);
            var free = new ConcurrentQueue<Writer>[connections.Length];
            for (int c = 0; c < connections.Length; c++)
            {
                free[c] = new ConcurrentQueue<Writer>();
                foreach (var (id, index) in docsOf[c])
                {
                    await connections[c].InvokeAsync<JoinResult>("Join", id, new byte[] { 0 });
                    free[c].Enqueue(new Writer(id, index));
                }
            }
            int writers = free.Sum(q => q.Count);
            var rowsAtStart = await server.CountStoredEventsAsync();
            var state = new State();
            await PhaseAsync(connections, docsOf, free, rate, o.WarmupSeconds, null, null, state, () => writers++, () => writers < MaxWriters);
            var latencies = new Latencies((int)(rate * o.Seconds) + 1_000);
            var lag = new Latencies((int)(rate * o.Seconds) + 1_000);
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var b0 = server.BatchStats;
            long windowStart = Stopwatch.GetTimestamp();
            var clock = Stopwatch.StartNew();
            long sent = await PhaseAsync(connections, docsOf, free, rate, o.Seconds, latencies, lag, state, () => writers++, () => writers < MaxWriters);
            var elapsed = clock.Elapsed;
            var cpu1 = Process.GetCurrentProcess().TotalProcessorTime;
            var b1 = server.BatchStats;
            var load = Modes.LoadAverage.Text();
            var rows = await server.CountStoredEventsAsync() - rowsAtStart;
            var l = latencies.Summarize();
            var g = lag.Summarize();
            long batches = b1.Batches - b0.Batches;
            return new AckResult
            {
                OfferedRate = rate,
                Sent = sent,
                AchievedRate = l.Count / elapsed.TotalSeconds,
                P50 = l.P50,
                P99 = l.P99,
                P999 = l.P999,
                Max = l.Max,
                Mean = l.Mean,
                SendLagP99 = g.P99,
                SendLagMax = g.Max,
                Errors = state.Errors,
                Unfinished = state.Unfinished,
                Writers = writers,
                CpuMsPerThousand = (cpu1 - cpu0).TotalMilliseconds / Math.Max(1, l.Count) * 1000,
                MeanBatch = batches == 0 ? 0 : (double)(b1.Updates - b0.Updates) / batches,
                MeanCommitMs = batches == 0 ? 0 : (b1.CommitMs - b0.CommitMs) / batches,
                EveryUpdateStored = rows == state.Stored,
                LoadAverage = load,
                MaxConcurrentCommits = server.MaxConcurrentCommits(windowStart),
            };
        }
        finally
        {
            foreach (var c in connections)
            {
                await c.DisposeAsync();
            }
        }
    }

    private static async Task<long> PhaseAsync(HubConnection[] connections, List<(string Id, int Index)>[] docsOf, ConcurrentQueue<Writer>[] free,
        int rate, double seconds, Latencies? latencies, Latencies? lag, State state, Action grew, Func<bool> mayGrow)
    {
        long n = (long)(rate * seconds);
        long sent = 0;
        var next = new int[connections.Length];
        long start = Stopwatch.GetTimestamp();
        double ticksPerSend = (double)Stopwatch.Frequency / rate;
        var pending = new List<Task>((int)Math.Min(n, 1_000_000));
        while (sent < n)
        {
            long due = Math.Min(n, (long)((Stopwatch.GetTimestamp() - start) / ticksPerSend) + 1);
            for (; sent < due; sent++)
            {
                int c = (int)(sent % connections.Length);
                if (!free[c].TryDequeue(out var writer))
                {
                    if (!mayGrow())
                    {
                        state.Skipped();
                        continue;
                    }
                    var (id, index) = docsOf[c][next[c]++ % docsOf[c].Count];
                    writer = new Writer(id, index);
                    grew();
                }
                long scheduled = start + (long)(sent * ticksPerSend);
                pending.Add(SendAsync(connections[c], writer, free[c], scheduled, latencies, lag, state));
            }
            await Task.Delay(1);
        }
        var all = Task.WhenAll(pending);
        if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(60))) != all)
        {
            state.Unfinished += pending.Count(t => !t.IsCompleted);
        }
        return sent;
    }

    private static async Task SendAsync(HubConnection connection, Writer writer, ConcurrentQueue<Writer> free, long scheduled,
        Latencies? latencies, Latencies? lag, State state)
    {
        var update = writer.Next("x");
        long t0 = Stopwatch.GetTimestamp();
        lag?.Record(Stopwatch.GetElapsedTime(scheduled, t0).TotalMilliseconds);
        try
        {
            var ack = await connection.InvokeAsync<UpdateAck>("Update", writer.DocumentId, update);
            latencies?.RecordSince(t0);
            state.Acked(ack.Stored);
        }
        catch (HubException)
        {
            state.Error();
        }
        finally
        {
            free.Enqueue(writer);
        }
    }

    private sealed class State
    {
        private long _stored;
        private long _errors;
        private long _skipped;

        public long Stored => Interlocked.Read(ref _stored);

        public long Errors => Interlocked.Read(ref _errors) + Interlocked.Read(ref _skipped);

        public long Unfinished { get; set; }

        public void Acked(bool stored)
        {
            if (stored)
            {
                Interlocked.Increment(ref _stored);
            }
        }

        public void Error() => Interlocked.Increment(ref _errors);

        public void Skipped() => Interlocked.Increment(ref _skipped);
    }
}

/// <summary>One open-loop ack-latency run.</summary>
internal sealed class AckResult
{
    public string Batcher { get; set; } = "";

    public int FlushMax { get; set; }

    public int OfferedRate { get; init; }

    public long Sent { get; init; }

    public double AchievedRate { get; init; }

    public double P50 { get; init; }

    public double P99 { get; init; }

    public double P999 { get; init; }

    public double Max { get; init; }

    public double Mean { get; init; }

    /// <summary>How late the scheduler issued sends (a loaded client machine shows here first).</summary>
    public double SendLagP99 { get; init; }

    public double SendLagMax { get; init; }

    public long Errors { get; init; }

    public long Unfinished { get; set; }

    public int Writers { get; init; }

    public double CpuMsPerThousand { get; init; }

    public double MeanBatch { get; init; }

    public double MeanCommitMs { get; init; }

    public bool EveryUpdateStored { get; init; }

    public string LoadAverage { get; init; } = "";

    public int MaxConcurrentCommits { get; init; }
}
