using System.Runtime.CompilerServices;
using CrdtCollab.Benchmarks.Traces;

namespace CrdtCollab.Benchmarks.Modes;

/// <summary>
/// <c>-- memory [trace...]</c>: managed bytes a document retains after the Local replay —
/// <c>GC.GetTotalMemory(true)</c> after building and holding the document, minus the same before
/// (the trace is decoded before the first reading, so only the document counts). The median of
/// three samples; the full collection compacts, so samples agree to within a few hundred bytes.
/// </summary>
public static class MemoryMode
{
    private const int SampleCount = 3;

    public static int Run(string[] args)
    {
        var traces = args.Length > 0 ? args : EditingTrace.All;
        Console.WriteLine("| trace | retained after Local | bytes per char of final text |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var name in traces)
        {
            var trace = EditingTrace.Load(name);
            var bytes = Measure(trace);
            Console.WriteLine($"| {name} | {bytes:N0} B ({Format.Bytes(bytes)}) | {(double)bytes / Math.Max(1, trace.EndContent.Length):F1} |");
        }

        return 0;
    }

    /// <summary>Median retained bytes of <see cref="SampleCount"/> fresh Local replays.</summary>
    public static long Measure(EditingTrace trace) => Samples(trace)[SampleCount / 2];

    /// <summary>Retained bytes of <see cref="SampleCount"/> fresh Local replays, ascending.</summary>
    public static long[] Samples(EditingTrace trace)
    {
        var samples = new long[SampleCount];
        for (var i = 0; i < SampleCount; i++)
        {
            samples[i] = MeasureOnce(trace);
        }

        Array.Sort(samples);
        return samples;
    }

    // Its own frame, never inlined: a document held in a loop variable stays reachable from a
    // stack slot into the next sample, whose "before" reading would then count it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long MeasureOnce(EditingTrace trace)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var doc = TraceReplay.Local(trace);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        // Verified only after the reading, so the materialised string is not counted.
        TraceReplay.Expect(doc, trace, "memory");
        GC.KeepAlive(doc);
        return after - before;
    }
}
