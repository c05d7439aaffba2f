using BenchmarkDotNet.Attributes;
using CrdtCollab.Crdt;

namespace CrdtCollab.Benchmarks.Traces;

/// <summary>Load: apply the whole-document update (what <see cref="EncodeBenchmark"/> produces) to a fresh document.</summary>
[MemoryDiagnoser]
public class LoadBenchmark
{
    private byte[] _update = [];

    [Params(TraceParams.AutomergePaper, TraceParams.SephBlog1, TraceParams.SvelteComponent)]
    public string Trace { get; set; } = TraceParams.SvelteComponent;

    [GlobalSetup]
    public void Setup()
    {
        var trace = EditingTrace.Load(Trace);
        _update = TraceReplay.Local(trace).EncodeStateAsUpdate();
        TraceReplay.Expect(TraceReplay.Load(_update), trace, "load");
    }

    [Benchmark]
    public YDoc Load() => TraceReplay.Load(_update);
}
