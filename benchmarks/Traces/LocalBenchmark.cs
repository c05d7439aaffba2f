using BenchmarkDotNet.Attributes;
using CrdtCollab.Crdt;

namespace CrdtCollab.Benchmarks.Traces;

/// <summary>Local: apply every trace patch as a local edit to a fresh document, one transaction per trace transaction.</summary>
[MemoryDiagnoser]
public class LocalBenchmark
{
    private EditingTrace _trace = null!;

    [Params(TraceParams.AutomergePaper, TraceParams.SephBlog1, TraceParams.SvelteComponent)]
    public string Trace { get; set; } = TraceParams.SvelteComponent;

    [GlobalSetup]
    public void Setup()
    {
        _trace = EditingTrace.Load(Trace);
        TraceReplay.Expect(TraceReplay.Local(_trace), _trace, "local");
    }

    [Benchmark]
    public YDoc Local() => TraceReplay.Local(_trace);
}
