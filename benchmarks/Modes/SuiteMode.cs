using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CrdtCollab.Benchmarks.Gate;
using CrdtCollab.Benchmarks.Traces;

namespace CrdtCollab.Benchmarks.Modes;

/// <summary>
/// <c>-- suite [--wall] [BenchmarkDotNet args]</c>: the four trace scenarios with BenchmarkDotNet's
/// ShortRun job (3 warm-ups, 3 iterations), in-process, timed by <see cref="CpuTimeClock"/> so the
/// numbers stay meaningful on a shared machine; <c>--wall</c> keeps the wall clock (use it on a
/// quiet machine). For the default out-of-process wall-clock job use the switcher directly:
/// <c>-- --filter *Traces* --job short</c>.
/// </summary>
public static class SuiteMode
{
    public static int Run(string[] args)
    {
        var wall = args.Contains("--wall");
        var job = Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId(wall ? "ShortRun-wall" : "ShortRun-cpu");
        if (!wall)
        {
            job = job.WithClock(CpuTimeClock.Instance);
        }

        var config = DefaultConfig.Instance.AddJob(job.AsDefault());
        var rest = args.Where(a => a != "--wall").ToArray();
        BenchmarkSwitcher.FromTypes([typeof(LocalBenchmark), typeof(EncodeBenchmark), typeof(LoadBenchmark), typeof(IncrementalBenchmark)])
            .Run(rest.Length > 0 ? rest : ["--filter", "*"], config);
        return 0;
    }
}
