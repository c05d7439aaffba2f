using BenchmarkDotNet.Attributes;
using CrdtCollab.Crdt;

namespace CrdtCollab.Benchmarks.Traces;

/// <summary>
/// Incremental: apply the per-transaction V1 updates of a local replay, in order, to a fresh
/// document — what a sync server or a late-joining peer does with a live edit stream.
/// </summary>
[MemoryDiagnoser]
public class IncrementalBenchmark
{
    private List<byte[]> _updates = [];

    [Params(TraceParams.AutomergePaper, TraceParams.SephBlog1, TraceParams.SvelteComponent)]
    public string Trace { get; set; } = TraceParams.SvelteComponent;

    [GlobalSetup]
    public void Setup()
    {
        var trace = EditingTrace.Load(Trace);
        _updates = TraceReplay.Capture(trace);
        TraceReplay.Expect(TraceReplay.ApplyAll(_updates), trace, "incremental");
        Console.WriteLine($"// {Trace}: {_updates.Count} updates, {_updates.Sum(u => (long)u.Length)} B in total");
    }

    [Benchmark]
    public YDoc Incremental() => TraceReplay.ApplyAll(_updates);
}
