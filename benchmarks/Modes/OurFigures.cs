using System.Text.Json;
using CrdtCollab.Benchmarks.Traces;

namespace CrdtCollab.Benchmarks.Modes;

/// <summary>
/// Our side of the compare table: per trace the four timed medians, the encoded size and the
/// retained memory, either measured here and now (<see cref="Measure"/>, the old two-step flow) or
/// read from a same-window <c>results.json</c> that run.mjs filled through our worker
/// (<see cref="FromResults"/>).
/// </summary>
internal sealed class OurFigures
{
    private readonly Dictionary<(string Trace, string Measurement), Timed> _timed = [];
    private readonly Dictionary<string, long> _size = [];
    private readonly Dictionary<string, long> _memory = [];

    /// <summary>Medians of one timed measurement; <see cref="Cpu"/> is the wall median where there is no thread CPU clock.</summary>
    public sealed record Timed(double Cpu, double Wall, int Runs, int RunsRequested);

    public Timed? Find(string trace, string measurement) => _timed.GetValueOrDefault((trace, measurement));

    public long? Size(string trace) => _size.TryGetValue(trace, out var v) ? v : null;

    public long? Memory(string trace) => _memory.TryGetValue(trace, out var v) ? v : null;

    public static OurFigures Measure(IEnumerable<string> traces, int runs, double maxSeconds)
    {
        var ours = new OurFigures();
        foreach (var name in traces)
        {
            var trace = EditingTrace.Load(name);
            // Memory first, while the heap holds nothing but the decoded trace.
            ours._memory[name] = MemoryMode.Measure(trace);
            foreach (var m in Scenario.Measurements)
            {
                var scenario = Scenario.Prepare(trace, m);
                var s = TimedRuns.Measure(scenario, runs, maxSeconds);
                ours._timed[(name, m)] = new Timed(s.CpuOrWallMedian, s.WallMedian, s.Runs, runs);
                if (scenario.Facts.TryGetValue("bytes", out var bytes))
                {
                    ours._size[name] = Convert.ToInt64(bytes, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }

        return ours;
    }

    public static OurFigures FromResults(PeerResults results, IEnumerable<string> traces)
    {
        var ours = new OurFigures();
        foreach (var t in traces)
        {
            foreach (var m in Scenario.Measurements)
            {
                if (results.Find(t, m, WorkerMode.EngineId) is not { } r || !PeerResults.IsOk(r))
                {
                    continue;
                }

                var wall = r.GetProperty("medianMs").GetDouble();
                var cpu = r.GetProperty("cpuMedianMs") is { ValueKind: JsonValueKind.Number } c ? c.GetDouble() : wall;
                ours._timed[(t, m)] = new Timed(cpu, wall, r.GetProperty("runs").GetInt32(), r.GetProperty("runsRequested").GetInt32());
                if (m == "encode")
                {
                    ours._size[t] = r.GetProperty("bytes").GetInt64();
                }
            }

            if (results.Find(t, "memory", WorkerMode.EngineId) is { } mem && PeerResults.IsOk(mem))
            {
                ours._memory[t] = mem.GetProperty("retainedBytes").GetInt64();
            }
        }

        return ours;
    }
}
