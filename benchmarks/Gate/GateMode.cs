using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CrdtCollab.Benchmarks.Modes;
using CrdtCollab.Benchmarks.Traces;

namespace CrdtCollab.Benchmarks.Gate;

/// <summary>
/// <c>-- gate [--update-baseline]</c>: the benchmark regression gate. Runs
/// <see cref="GateBenchmarks"/> with a short in-process BenchmarkDotNet job and compares against
/// <c>benchmarks/baselines/gate.json</c>: allocated bytes per operation may not grow by more than
/// <see cref="AllocSlack"/> (allocation counts are deterministic), and each operation's process
/// CPU time (<see cref="CpuTimeClock"/>) relative to the calibration workload timed right beside
/// it (<see cref="PairedRatios"/>) may not grow by more than <see cref="TimeSlack"/>. A
/// time failure is re-measured once and only counts if it repeats. Exit code 1 on failure.
/// </summary>
public static class GateMode
{
    /// <summary>Allowed growth of allocated bytes per operation: counts are deterministic, so 10% is pure signal.</summary>
    public const double AllocSlack = 1.10;

    /// <summary>
    /// Allowed growth of time relative to the calibration workload. On the shared 2-core machine
    /// unmodified runs stayed within 0.90–1.09× of the baseline (quiet and beside a cache-thrashing
    /// neighbour) and a 2× slowdown read 1.79–2.09×, so the bound sits between with room for a
    /// different CPU model (benchmarks/README.md has the numbers).
    /// </summary>
    public const double TimeSlack = 1.6;

    private const string CalibrationName = nameof(GateBenchmarks.Calibration);
    private const int PairedWarmupRounds = 2;
    private const int PairedRounds = 15;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static int Run(string[] args)
    {
        var update = args.Contains("--update-baseline");
        var addNew = args.Contains("--add-new");
        var path = Path.Combine(RepoPaths.BenchmarksDir, "baselines", "gate.json");
        var started = Stopwatch.StartNew();
        Console.WriteLine($"gate: {Format.Machine()}; injection: {GateInjection.Description}");

        if (update)
        {
            var a = Measure();
            var b = Measure();
            var baseline = new Baseline(
                DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
                Format.Machine(),
                [.. a.Zip(b, (x, y) => x with { MinNs = (x.MinNs + y.MinNs) / 2, Ratio = (x.Ratio + y.Ratio) / 2 })]);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, JsonSerializer.Serialize(baseline, JsonOptions) + "\n");
            foreach (var (x, y) in a.Zip(b))
            {
                Console.WriteLine($"  {x.Name,-36} {Format.Ms(x.MinNs / 1e6),8} ms  ×calib {x.Ratio:F3} / {y.Ratio:F3}  alloc {x.AllocatedBytes:N0} / {y.AllocatedBytes:N0} B");
            }

            Console.WriteLine($"gate: baseline written to {Path.GetRelativePath(RepoPaths.RepoRoot, path)} in {started.Elapsed.TotalSeconds:F0} s");
            return 0;
        }

        if (addNew && File.Exists(path))
        {
            // New benchmarks get a baseline of their own; the existing entries stay byte for byte
            // as they were measured (re-baselining them would hide a regression of this change).
            var old = JsonSerializer.Deserialize<Baseline>(File.ReadAllText(path), JsonOptions)!;
            var a = Measure();
            var b = Measure();
            var load = LoadAverage.Read()?[0];
            var stamp = $"{DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}, load average {load?.ToString("F2", CultureInfo.InvariantCulture) ?? "?"}";
            var added = a.Zip(b, (x, y) => x with { MinNs = (x.MinNs + y.MinNs) / 2, Ratio = (x.Ratio + y.Ratio) / 2, MeasuredAt = stamp })
                .Where(x => !x.Name.StartsWith(CalibrationName, StringComparison.Ordinal) && old.Results.All(r => r.Name != x.Name))
                .ToList();
            File.WriteAllText(path, JsonSerializer.Serialize(old with { Results = [.. old.Results, .. added] }, JsonOptions) + "\n");
            foreach (var x in added)
            {
                Console.WriteLine($"  added {x.Name,-30} ×calib {x.Ratio:F3}  alloc {x.AllocatedBytes:N0} B");
            }

            Console.WriteLine($"gate: {added.Count} new entries added to {Path.GetRelativePath(RepoPaths.RepoRoot, path)} ({stamp})");
            return 0;
        }

        if (!File.Exists(path))
        {
            Console.WriteLine($"gate: FAIL no baseline at {path}; run `bash benchmarks/gate.sh --update-baseline`");
            return 1;
        }

        var expected = JsonSerializer.Deserialize<Baseline>(File.ReadAllText(path), JsonOptions)!;
        var current = Measure();
        var failures = Judge(expected, current, retried: null);
        if (failures.Any(f => f.Time) && !failures.Any(f => f.Alloc))
        {
            Console.WriteLine("gate: time over the bound; measuring once more to rule out a burst of background load");
            var again = Measure();
            failures = Judge(expected, current, again);
        }

        Console.WriteLine(failures.Count == 0
            ? $"gate: PASS ({started.Elapsed.TotalSeconds:F0} s)"
            : $"gate: FAIL {failures.Count} regression(s) ({started.Elapsed.TotalSeconds:F0} s): {string.Join(", ", failures.Select(f => f.Name))}");
        return failures.Count == 0 ? 0 : 1;
    }

    private static List<Failure> Judge(Baseline baseline, List<GateResult> current, List<GateResult>? retried)
    {
        Console.WriteLine();
        Console.WriteLine($"| benchmark | min CPU time | work ÷ calibration | baseline | time change | allocated/op | baseline | alloc change | verdict |");
        Console.WriteLine($"|---|---:|---:|---:|---:|---:|---:|---:|---|");
        var failures = new List<Failure>();
        foreach (var cur in current)
        {
            if (cur.Name.StartsWith(CalibrationName, StringComparison.Ordinal))
            {
                Console.WriteLine($"| {cur.Name} | {Format.Ms(cur.MinNs / 1e6)} ms | reference | | | | | | |");
                continue;
            }

            var b = baseline.Results.FirstOrDefault(r => r.Name == cur.Name);
            if (b is null)
            {
                Console.WriteLine($"| {cur.Name} | {Format.Ms(cur.MinNs / 1e6)} ms | {cur.Ratio:F3} | — | | {cur.AllocatedBytes:N0} | — | | FAIL: not in baseline |");
                failures.Add(new Failure(cur.Name, Time: false, Alloc: true));
                continue;
            }

            // On a re-measurement the better of the two runs counts: noise only ever slows a run down.
            var ratio = retried?.FirstOrDefault(r => r.Name == cur.Name) is { } second ? Math.Min(cur.Ratio, second.Ratio) : cur.Ratio;
            var timeChange = ratio / b.Ratio;
            var allocChange = (double)cur.AllocatedBytes / Math.Max(1, b.AllocatedBytes);
            var timeFail = timeChange > TimeSlack;
            var allocFail = allocChange > AllocSlack;
            var verdict = (timeFail, allocFail) switch
            {
                (false, false) => "ok",
                (true, false) => $"FAIL: time > {TimeSlack}×",
                (false, true) => $"FAIL: alloc > {AllocSlack}×",
                _ => "FAIL: time and alloc",
            };
            Console.WriteLine($"| {cur.Name} | {Format.Ms(cur.MinNs / 1e6)} ms | {ratio:F3} | {b.Ratio:F3} | {timeChange:F2}× | {cur.AllocatedBytes:N0} | {b.AllocatedBytes:N0} | {allocChange:F3}× | {verdict} |");
            if (timeFail || allocFail)
            {
                failures.Add(new Failure(cur.Name, timeFail, allocFail));
            }
        }

        Console.WriteLine();
        return failures;
    }

    private static List<GateResult> Measure()
    {
        // In-process: no per-benchmark project build or process start, which is most of a default
        // BenchmarkDotNet run's wall time. One invocation per iteration because one operation is a
        // whole trace (tens of ms), so the timer's resolution is irrelevant.
        var job = new Job("gate")
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithClock(CpuTimeClock.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(10)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithEvaluateOverhead(false);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(NullLogger.Instance)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "crdtcollab-gate"));
        var t0 = Stopwatch.StartNew();
        var summary = BenchmarkRunner.Run<GateBenchmarks>(config);
        t0.Stop();
        var results = new List<GateResult>();
        foreach (var report in summary.Reports)
        {
            var name = $"{report.BenchmarkCase.Descriptor.WorkloadMethod.Name}/{report.BenchmarkCase.Parameters["Trace"]}";
            if (!report.Success || report.ResultStatistics is null)
            {
                throw new InvalidOperationException($"gate benchmark {name} failed; see the log in {summary.LogFilePath}");
            }

            results.Add(new GateResult(name, report.ResultStatistics.Min, 0, report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0));
        }

        if (results.Count == 0)
        {
            throw new InvalidOperationException($"gate: no benchmark ran; see the log in {summary.LogFilePath}");
        }

        var calibrations = results.Where(r => r.Name.StartsWith(CalibrationName, StringComparison.Ordinal)).Select(r => r.MinNs).ToList();
        var paired = PairedRatios();
        Console.WriteLine($"gate: measured {results.Count} cases in {t0.Elapsed.TotalSeconds:F0} s; BenchmarkDotNet calibration {string.Join(" / ", calibrations.Select(c => Format.Ms(c / 1e6)))} ms");
        var reference = Format.Median(calibrations);
        return [.. results.Select(r => r with { Ratio = paired.TryGetValue(r.Name, out var p) ? p : r.MinNs / reference })];
    }

    /// <summary>
    /// The time ratios the gate judges: each gated operation timed (process CPU time) between two
    /// calibration runs, over <see cref="PairedRounds"/> interleaved rounds, and the median of
    /// <c>work / mean(calibration before, calibration after)</c>. The readings of a pair are
    /// milliseconds apart, so a burst of load or an SMT sibling going busy hits both: on the
    /// shared machine the separate BenchmarkDotNet readings of the calibration alone spanned 2×
    /// within one run, which per-run normalisation could not cancel.
    /// </summary>
    private static Dictionary<string, double> PairedRatios()
    {
        var t0 = Stopwatch.StartNew();
        var benches = new List<(string Trace, GateBenchmarks Bench)>();
        foreach (var trace in new[] { TraceParams.SvelteComponent, GateBenchmarks.AutomergePrefix })
        {
            var b = new GateBenchmarks { Trace = trace };
            b.Setup();
            benches.Add((trace, b));
        }

        (string Name, Func<GateBenchmarks, object> Run)[] ops =
        [
            (nameof(GateBenchmarks.Local), b => b.Local()),
            (nameof(GateBenchmarks.Load), b => b.Load()),
            (nameof(GateBenchmarks.Incremental), b => b.Incremental()),
            (nameof(GateBenchmarks.LoadV2), b => b.LoadV2()),
            (nameof(GateBenchmarks.EncodeV2), b => b.EncodeV2()),
        ];
        var ratios = new Dictionary<string, List<double>>();
        for (var round = 0; round < PairedWarmupRounds + PairedRounds; round++)
        {
            foreach (var (trace, b) in benches)
            {
                var before = CpuTime(() => b.Calibration());
                foreach (var (name, run) in ops)
                {
                    var work = CpuTime(() => run(b));
                    var after = CpuTime(() => b.Calibration());
                    if (round >= PairedWarmupRounds)
                    {
                        var key = $"{name}/{trace}";
                        if (!ratios.TryGetValue(key, out var list))
                        {
                            ratios[key] = list = [];
                        }

                        list.Add(work / ((before + after) / 2));
                    }

                    before = after;
                }
            }
        }

        Console.WriteLine($"gate: {PairedRounds} paired rounds in {t0.Elapsed.TotalSeconds:F0} s");
        return ratios.ToDictionary(kv => kv.Key, kv => Format.Median(kv.Value));
    }

    private static double CpuTime(Func<object> op)
    {
        GC.Collect();
        var t0 = CpuTimeClock.Now();
        GC.KeepAlive(op());
        return CpuTimeClock.Now() - t0;
    }

    /// <param name="MeasuredAt">For an entry added by <c>--add-new</c>: when, and the load average then (older entries carry the baseline's date).</param>
    private sealed record GateResult(string Name, double MinNs, double Ratio, long AllocatedBytes, string? MeasuredAt = null);

    private sealed record Baseline(string Date, string Machine, List<GateResult> Results);

    private sealed record Failure(string Name, bool Time, bool Alloc);
}
