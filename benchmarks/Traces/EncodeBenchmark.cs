using BenchmarkDotNet.Attributes;
using CrdtCollab.Crdt;

namespace CrdtCollab.Benchmarks.Traces;

/// <summary>Encode: the whole document, built by a local replay, as one V1 update.</summary>
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
        Console.WriteLine($"// encoded size {Trace}: {bytes.Length} B");
    }

    [Benchmark]
    public byte[] Encode() => _doc.EncodeStateAsUpdate();
}
