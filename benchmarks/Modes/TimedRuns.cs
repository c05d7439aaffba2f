using System.Diagnostics;
using CrdtCollab.Benchmarks.Gate;
using CrdtCollab.Crdt;

namespace CrdtCollab.Benchmarks.Modes;

/// <summary>
/// The timing protocol of <c>benchmarks/peers/run.mjs</c>'s worker, applied to one of our
/// <see cref="Scenario"/>s, so our figures and the peers' mean the same thing: warm up at least
/// <see cref="MinWarmupRuns"/> times and for <see cref="MinWarmupMs"/> (at most
/// <see cref="MaxWarmupRuns"/>, and at most a quarter of the budget), batch invocations so one timed
/// region lasts at least <see cref="MinTimedRegionMs"/>, then N timed runs cut to fit the budget.
/// Every run reads the main thread's CPU time and the wall clock; figures are per invocation.
/// </summary>
internal static class TimedRuns
{
    public const int MinWarmupRuns = 3;
    public const double MinWarmupMs = 1000;
    public const int MaxWarmupRuns = 30;
    public const double MinTimedRegionMs = 200;
    private const int MaxBatch = 1000;

    /// <summary>Per-invocation samples of one measurement; <see cref="CpuMs"/> is null off Linux.</summary>
    public sealed record Samples(int Runs, int InvocationsPerRun, List<double> WarmupMs, List<double> WallMs, List<double>? CpuMs)
    {
        public double WallMedian => Format.Median(WallMs);

        /// <summary>The CPU median, or the wall median where there is no thread CPU clock.</summary>
        public double CpuOrWallMedian => CpuMs is null ? WallMedian : Format.Median(CpuMs);
    }

    public static Samples Measure(Scenario scenario, int runs, double maxSeconds)
    {
        var batch = 1;

        // One run = `batch` back-to-back invocations. As in the Node worker, only the latest
        // result stays reachable inside a batch (an application holds one document, not a batch
        // of them; holding them all made our sveltecomponent local ~7.5 instead of ~5.7 ms), and
        // it is verified afterwards, untimed.
        (double Wall, double? Cpu, double TotalWall) Step()
        {
            // Collect the previous run's documents outside the timed region, so each run starts
            // from the same heap instead of paying for its predecessor's garbage.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            YDoc? last = null;
            var cpu0 = CpuTimeClock.ThreadMilliseconds();
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < batch; i++)
            {
                last = scenario.Op();
            }

            var wall = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            var cpu = CpuTimeClock.ThreadMilliseconds() - cpu0;
            scenario.Check(last);
            return (wall / batch, cpu / batch, wall);
        }

        var warmup = new List<double>();
        var warmupTotal = 0.0;
        var warmupCap = maxSeconds * 1000 / 4;
        do
        {
            var r = Step();
            warmup.Add(r.Wall);
            warmupTotal += r.TotalWall;
            batch = Math.Min(MaxBatch, Math.Max(1, (int)Math.Ceiling(MinTimedRegionMs / Math.Max(r.Wall, 1e-3))));
        }
        while (warmup.Count < MaxWarmupRuns && warmupTotal < warmupCap
            && (warmup.Count < MinWarmupRuns || warmupTotal < MinWarmupMs));

        var perRun = Math.Max(warmup[^1] * batch, 1e-6);
        var n = (int)Math.Max(1, Math.Min(runs, Math.Floor(maxSeconds * 1000 / perRun)));
        var wallMs = new List<double>(n);
        List<double>? cpuMs = CpuTimeClock.ThreadMilliseconds() is null ? null : new(n);
        for (var i = 0; i < n; i++)
        {
            var (wall, cpu, _) = Step();
            wallMs.Add(wall);
            if (cpu is { } c)
            {
                cpuMs?.Add(c);
            }
        }

        Console.Error.WriteLine($"  {scenario.Trace.Name} {scenario.Measurement}: warm-up {Join(warmup)} ms | runs (x{batch}) {Join(wallMs)} ms wall, {(cpuMs is null ? "-" : Join(cpuMs))} ms cpu");
        return new Samples(n, batch, warmup, wallMs, cpuMs);
    }

    private static string Join(IEnumerable<double> xs) => string.Join(' ', xs.Select(Format.Ms));
}
