using BenchmarkDotNet.Attributes;
using CrdtCollab.Crdt;

namespace CrdtCollab.Benchmarks.Traces;

/// <summary>Encode: the whole document, built by a local replay, as one V1 update, and as one V2 update.</summary>
[MemoryDiagnoser]
public class EncodeBenchmark
{
    private YDoc _doc = null!;

    [Params(TraceParams.AutomergePaper, TraceParams.SephBlog1, TraceParams.SvelteComponent)]
    public string Trace { get; set; } = TraceParams.SvelteComponent;

    [GlobalSetup]
    public void Setup()
    {
        var trace = EditingTrace.Load(Trace);
        _doc = TraceReplay.Local(trace);
        TraceReplay.Expect(_doc, trace, "local");
        var bytes = _doc.EncodeStateAsUpdate();
        TraceReplay.Expect(TraceReplay.Load(bytes), trace, "load");
        var v2 = _doc.EncodeStateAsUpdateV2();
        TraceReplay.Expect(TraceReplay.LoadV2(v2), trace, "load V2");
        Console.WriteLine($"// encoded size {Trace}: {bytes.Length} B (V1), {v2.Length} B (V2)");
    }

    [Benchmark(Baseline = true)]
    public byte[] Encode() => _doc.EncodeStateAsUpdate();

    [Benchmark]
    public byte[] EncodeV2() => _doc.EncodeStateAsUpdateV2();
}
