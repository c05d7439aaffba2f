using CrdtCollab.Benchmarks.Gate;
using CrdtCollab.Benchmarks.Traces;
using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Lib0;

namespace CrdtCollab.Benchmarks.Modes;

/// <summary>
/// <c>-- profile [trace...]</c>: a cheap breakdown of where a scenario's time goes, without a
/// profiler: main-thread CPU time split into the edits themselves versus transaction commit
/// (Local), and update decoding versus integration (Load, Incremental), plus the share of GC
/// pauses and the bytes allocated per trace transaction. Median of three runs after a warm-up.
/// </summary>
public static class ProfileMode
{
    private const int Runs = 3;

    public static int Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "--loop")
        {
            return Loop(args[1..]);
        }

        Console.WriteLine("| trace | scenario | CPU ms (wall) | where | GC pauses / wall | allocated | per txn |");
        Console.WriteLine("|---|---|---:|---|---:|---:|---:|");
        foreach (var name in args.Length > 0 ? args : EditingTrace.All)
        {
            var trace = EditingTrace.Load(name);
            var doc = TraceReplay.Local(trace);
            var update = doc.EncodeStateAsUpdate();
            var updates = TraceReplay.Capture(trace);

            double edits = 0;
            Row(trace, "local", () => edits = LocalTimingEdits(trace), cpu => $"edit calls {edits / cpu:P0}, commit (clean-up, merge) {1 - (edits / cpu):P0}");
            Row(trace, "encode", () => doc.EncodeStateAsUpdate(), _ => "");
            var decodeOne = Decode([update]);
            Row(trace, "load", () => TraceReplay.Load(update), cpu => $"decode {decodeOne / cpu:P0}, integrate {1 - (decodeOne / cpu):P0}");
            var decodeAll = Decode(updates);
            Row(trace, "incremental", () => TraceReplay.ApplyAll(updates), cpu => $"decode {decodeAll / cpu:P0}, integrate + commit {1 - (decodeAll / cpu):P0}");
        }

        return 0;
    }

    // `profile --loop SCENARIO TRACE SECONDS`: repeats one scenario for a while, for an external
    // sampling profiler (dotnet-trace) to attach to; prints nothing but the iteration count.
    private static int Loop(string[] args)
    {
        var trace = EditingTrace.Load(args[1]);
        var seconds = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10;
        var update = TraceReplay.Local(trace).EncodeStateAsUpdate();
        var updates = TraceReplay.Capture(trace);
        Action work = args[0] switch
        {
            "local" => () => TraceReplay.Local(trace),
            "load" => () => TraceReplay.Load(update),
            "incremental" => () => TraceReplay.ApplyAll(updates),
            _ => throw new ArgumentException($"unknown scenario {args[0]}"),
        };
        var until = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(seconds * System.Diagnostics.Stopwatch.Frequency);
        var n = 0;
        while (System.Diagnostics.Stopwatch.GetTimestamp() < until)
        {
            work();
            n++;
        }

        Console.WriteLine($"{args[0]} {trace.Name}: {n} iterations");
        return 0;
    }

    private static void Row(EditingTrace trace, string scenario, Action work, Func<double, string> split)
    {
        work();
        var samples = new List<(double Cpu, double Wall, double Gc, long Bytes, string Split)>();
        for (var i = 0; i < Runs; i++)
        {
            GC.Collect();
            var pause0 = GC.GetTotalPauseDuration();
            var bytes0 = GC.GetAllocatedBytesForCurrentThread();
            var wall0 = System.Diagnostics.Stopwatch.GetTimestamp();
            var cpu0 = CpuTimeClock.ThreadMilliseconds() ?? 0;
            work();
            var cpu = (CpuTimeClock.ThreadMilliseconds() ?? 0) - cpu0;
            var wall = System.Diagnostics.Stopwatch.GetElapsedTime(wall0).TotalMilliseconds;
            samples.Add((cpu, wall, (GC.GetTotalPauseDuration() - pause0).TotalMilliseconds, GC.GetAllocatedBytesForCurrentThread() - bytes0, split(cpu)));
        }

        var s = samples.OrderBy(x => x.Cpu).ElementAt(Runs / 2);
        Console.WriteLine($"| {trace.Name} | {scenario} | {Format.Ms(s.Cpu)} ({Format.Ms(s.Wall)}) | {s.Split} | {s.Gc / s.Wall:P0} | {Format.Bytes(s.Bytes)} | {Format.Bytes((double)s.Bytes / trace.Transactions)} |");
    }

    // The Local replay with the edit calls timed apart from the commit around them.
    private static double LocalTimingEdits(EditingTrace trace)
    {
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        var text = doc.GetText(TraceReplay.RootName);
        var patches = trace.Patches;
        double inEdits = 0;
        var from = 0;
        foreach (var end in trace.TxnEnds)
        {
            var (f, t) = (from, end);
            doc.Transact(_ =>
            {
                var c0 = CpuTimeClock.ThreadMilliseconds() ?? 0;
                for (var i = f; i < t; i++)
                {
                    var p = patches[i];
                    if (p.Delete > 0)
                    {
                        text.Delete(p.Position, p.Delete);
                    }

                    if (p.Insert.Length > 0)
                    {
                        text.Insert(p.Position, p.Insert);
                    }
                }

                inEdits += (CpuTimeClock.ThreadMilliseconds() ?? 0) - c0;
            });
            from = end;
        }

        TraceReplay.Expect(doc, trace, "profile");
        return inEdits;
    }

    // Decoding alone (struct runs and delete set), what ApplyUpdate does before integrating;
    // the fastest of three passes.
    private static double Decode(List<byte[]> updates) => Enumerable.Range(0, 3).Min(_ => DecodeOnce(updates));

    private static double DecodeOnce(List<byte[]> updates)
    {
        var c0 = CpuTimeClock.ThreadMilliseconds() ?? 0;
        var n = 0;
        foreach (var u in updates)
        {
            var reader = new Lib0Reader(u);
            n += UpdateDecoder.ReadRuns(ref reader).Count;
            DeleteSet.Read(ref reader);
        }

        GC.KeepAlive(n);
        return (CpuTimeClock.ThreadMilliseconds() ?? 0) - c0;
    }
}
