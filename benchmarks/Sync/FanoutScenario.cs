using System.Collections.Concurrent;
using System.Diagnostics;
using CrdtCollab.Host.Endpoints.Hub;
using Microsoft.AspNetCore.SignalR.Client;

namespace CrdtCollab.Benchmarks.Sync;

/// <summary>
/// Broadcast latency: <c>fanout-docs</c> documents × <c>clients-per-doc</c> SignalR clients (one
/// connection each), every client editing at <c>edits-per-second</c>. Each edit inserts
/// <c>~client:seq;</c>; every other client of the document finds that marker in the <c>update</c>
/// broadcast it receives (the inserted string travels verbatim in the V1 update) and records the
/// time since the sender's <c>InvokeAsync</c>. Receivers also apply the broadcasts, as an editor would.
/// </summary>
internal static class FanoutScenario
{
    public static async Task<FanoutResult> RunAsync(BenchServer server, SyncOptions o)
    {
        int clients = o.FanoutDocuments * o.ClientsPerDocument;
        var sendTimes = new ConcurrentDictionary<long, long>();
        var total = o.WarmupSeconds + o.Seconds;
        long expectedCapacity = (long)(clients * o.EditsPerSecond * o.Seconds * o.ClientsPerDocument * 1.2) + 10_000;
        var latencies = new Latencies((int)Math.Min(expectedCapacity, 20_000_000));
        long windowStart = 0, windowEnd = long.MaxValue;
        long received = 0, sentInWindow = 0, errors = 0;
        var connections = new HubConnection[clients];
        var writers = new Writer[clients];
        try
        {
            for (int i = 0; i < clients; i++)
            {
                int doc = i % o.FanoutDocuments;
                var writer = writers[i] = new Writer($"fanout-{doc}", doc);
                var connection = connections[i] = await server.ConnectAsync();
                connection.On<string, byte[]>("update", (_, update) =>
                {
                    long now = Stopwatch.GetTimestamp();
                    writer.ApplyRemote(update);
                    foreach (long key in Markers(update))
                    {
                        if (sendTimes.TryGetValue(key, out long sentAt) && sentAt >= Volatile.Read(ref windowStart) && sentAt < Volatile.Read(ref windowEnd))
                        {
                            latencies.Record(Stopwatch.GetElapsedTime(sentAt, now).TotalMilliseconds);
                            Interlocked.Increment(ref received);
                        }
                    }
                });
                var join = await connection.InvokeAsync<JoinResult>("Join", writer.DocumentId, new byte[] { 0 });
                writer.ApplyRemote(join.Update);
            }
            long start = Stopwatch.GetTimestamp();
            Volatile.Write(ref windowStart, start + (long)(o.WarmupSeconds * Stopwatch.Frequency));
            Volatile.Write(ref windowEnd, start + (long)(total * Stopwatch.Frequency));
            var period = TimeSpan.FromSeconds(1 / o.EditsPerSecond);
            var random = new Random(42);
            var senders = Enumerable.Range(0, clients).Select(i =>
            {
                var offset = period * random.NextDouble();
                return Task.Run(async () =>
                {
                    for (int seq = 0; ; seq++)
                    {
                        var at = offset + (period * seq);
                        if (at.TotalSeconds >= total)
                        {
                            return;
                        }
                        var wait = at - Stopwatch.GetElapsedTime(start);
                        if (wait > TimeSpan.Zero)
                        {
                            await Task.Delay(wait);
                        }
                        var update = writers[i].Next($"~{i}:{seq};");
                        long key = ((long)i << 32) | (uint)seq;
                        long t0 = Stopwatch.GetTimestamp();
                        sendTimes[key] = t0;
                        if (t0 >= Volatile.Read(ref windowStart) && t0 < Volatile.Read(ref windowEnd))
                        {
                            Interlocked.Increment(ref sentInWindow);
                        }
                        try
                        {
                            await connections[i].InvokeAsync<UpdateAck>("Update", writers[i].DocumentId, update);
                        }
                        catch (Exception e) when (e is Microsoft.AspNetCore.SignalR.HubException or InvalidOperationException)
                        {
                            Interlocked.Increment(ref errors);
                        }
                    }
                });
            }).ToArray();
            await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(total + 60));
            // Stragglers: broadcasts still on their way.
            long expected = Interlocked.Read(ref sentInWindow) * (o.ClientsPerDocument - 1);
            for (int i = 0; i < 200 && Interlocked.Read(ref received) < expected; i++)
            {
                await Task.Delay(10);
            }
            var load = Modes.LoadAverage.Text();
            var l = latencies.Summarize();
            return new FanoutResult
            {
                Documents = o.FanoutDocuments,
                ClientsPerDocument = o.ClientsPerDocument,
                EditsPerSecond = o.EditsPerSecond,
                Seconds = o.Seconds,
                Sent = Interlocked.Read(ref sentInWindow),
                ExpectedReceipts = expected,
                Receipts = l.Count,
                P50 = l.P50,
                P99 = l.P99,
                P999 = l.P999,
                Max = l.Max,
                Mean = l.Mean,
                Errors = Interlocked.Read(ref errors),
                LoadAverage = load,
            };
        }
        finally
        {
            foreach (var c in connections)
            {
                if (c is not null)
                {
                    await c.DisposeAsync();
                }
            }
        }
    }

    /// <summary>The <c>~client:seq;</c> markers in an update's bytes, as keys.</summary>
    internal static IEnumerable<long> Markers(byte[] update)
    {
        var keys = new List<long>(1);
        for (int i = 0; i < update.Length; i++)
        {
            if (update[i] != (byte)'~')
            {
                continue;
            }
            int j = i + 1;
            long client = 0, seq = 0;
            int digits = 0;
            while (j < update.Length && update[j] is >= (byte)'0' and <= (byte)'9')
            {
                client = (client * 10) + (update[j++] - '0');
                digits++;
            }
            if (digits == 0 || j >= update.Length || update[j++] != (byte)':')
            {
                continue;
            }
            digits = 0;
            while (j < update.Length && update[j] is >= (byte)'0' and <= (byte)'9')
            {
                seq = (seq * 10) + (update[j++] - '0');
                digits++;
            }
            if (digits == 0 || j >= update.Length || update[j] != (byte)';')
            {
                continue;
            }
            keys.Add((client << 32) | (uint)seq);
            i = j;
        }
        return keys;
    }
}

/// <summary>One fan-out run.</summary>
internal sealed class FanoutResult
{
    public int Documents { get; init; }

    public int ClientsPerDocument { get; init; }

    public double EditsPerSecond { get; init; }

    public double Seconds { get; init; }

    public long Sent { get; init; }

    public long ExpectedReceipts { get; init; }

    public long Receipts { get; init; }

    public double P50 { get; init; }

    public double P99 { get; init; }

    public double P999 { get; init; }

    public double Max { get; init; }

    public double Mean { get; init; }

    public long Errors { get; init; }

    public string LoadAverage { get; init; } = "";
}
