using BenchmarkDotNet.Attributes;
using CrdtCollab.Crdt;

namespace CrdtCollab.Benchmarks.Traces;

/// <summary>Load: apply the whole-document update (what <see cref="EncodeBenchmark"/> produces, V1 and V2) to a fresh document.</summary>
[MemoryDiagnoser]
public class LoadBenchmark
{
    private byte[] _update = [];
    private byte[] _updateV2 = [];

    [Params(TraceParams.AutomergePaper, TraceParams.SephBlog1, TraceParams.SvelteComponent)]
    public string Trace { get; set; } = TraceParams.SvelteComponent;

    [GlobalSetup]
    public void Setup()
    {
        var trace = EditingTrace.Load(Trace);
        var doc = TraceReplay.Local(trace);
        _update = doc.EncodeStateAsUpdate();
        _updateV2 = doc.EncodeStateAsUpdateV2();
        TraceReplay.Expect(TraceReplay.Load(_update), trace, "load");
        TraceReplay.Expect(TraceReplay.LoadV2(_updateV2), trace, "load V2");
    }

    [Benchmark(Baseline = true)]
    public YDoc Load() => TraceReplay.Load(_update);

    [Benchmark]
    public YDoc LoadV2() => TraceReplay.LoadV2(_updateV2);
}
