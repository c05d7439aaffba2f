using BenchmarkDotNet.Attributes;
using CrdtCollab.Benchmarks.Traces;
using CrdtCollab.Crdt;

namespace CrdtCollab.Benchmarks.Gate;

/// <summary>
/// The hot paths the regression gate watches — Local, Load, Incremental, and the V2 format's
/// LoadV2 and EncodeV2 — on the two workloads
/// small enough for CI (sveltecomponent whole, automerge-paper's first 60,000 transactions), plus
/// the <see cref="Calibration"/> reference measured in the same run. Run by <see cref="GateMode"/>
/// with its own short in-process job; BenchmarkSwitcher can run it too (<c>--filter *Gate*</c>).
/// </summary>
[MemoryDiagnoser]
public class GateBenchmarks
{
    public const string AutomergePrefix = "automerge-paper@60000";

    private EditingTrace _trace = null!;
    private byte[] _update = [];
    private byte[] _updateV2 = [];
    private YDoc _local = null!;
    private List<byte[]> _updates = [];

    [Params(TraceParams.SvelteComponent, AutomergePrefix)]
    public string Trace { get; set; } = TraceParams.SvelteComponent;

    [GlobalSetup]
    public void Setup()
    {
        _trace = EditingTrace.Load(Trace);
        var doc = TraceReplay.Local(_trace);
        TraceReplay.Expect(doc, _trace, "local");
        _local = doc;
        _update = doc.EncodeStateAsUpdate();
        TraceReplay.Expect(TraceReplay.Load(_update), _trace, "load");
        _updateV2 = doc.EncodeStateAsUpdateV2();
        TraceReplay.Expect(TraceReplay.LoadV2(_updateV2), _trace, "load V2");
        _updates = TraceReplay.Capture(_trace);
        TraceReplay.Expect(TraceReplay.ApplyAll(_updates), _trace, "incremental");
    }

    [Benchmark]
    public long Calibration() => Gate.Calibration.Run();

    [Benchmark]
    public YDoc Local()
    {
        var probe = GateInjection.Begin();
        var doc = TraceReplay.Local(_trace);
        GateInjection.End(probe);
        return doc;
    }

    [Benchmark]
    public YDoc Load()
    {
        var probe = GateInjection.Begin();
        var doc = TraceReplay.Load(_update);
        GateInjection.End(probe);
        return doc;
    }

    [Benchmark]
    public YDoc Incremental()
    {
        var probe = GateInjection.Begin();
        var doc = TraceReplay.ApplyAll(_updates);
        GateInjection.End(probe);
        return doc;
    }

    [Benchmark]
    public YDoc LoadV2()
    {
        var probe = GateInjection.Begin();
        var doc = TraceReplay.LoadV2(_updateV2);
        GateInjection.End(probe);
        return doc;
    }

    [Benchmark]
    public byte[] EncodeV2()
    {
        var probe = GateInjection.Begin();
        var bytes = _local.EncodeStateAsUpdateV2();
        GateInjection.End(probe);
        return bytes;
    }

    // The reference once more, declared last so BenchmarkDotNet runs it after the trace
    // benchmarks: four calibration readings spread over the run instead of two.
    [Benchmark]
    public long CalibrationAgain() => Gate.Calibration.Run();
}
