using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using CrdtCollab.Benchmarks.Traces;

namespace CrdtCollab.Benchmarks.Modes;

/// <summary>
/// <c>worker TRACE MEASUREMENT [--runs N] [--max-seconds S]</c>: one measurement of our engine, as
/// one JSON line on stdout shaped like a record of <c>benchmarks/peers/run.mjs</c>'s own workers
/// (progress goes to stderr). run.mjs spawns it between the peers' workers, so that our engine and
/// theirs are timed in the same window of this machine's slow and fast phases. MEASUREMENT is
/// <c>local</c>, <c>encode</c>, <c>load</c>, <c>incremental</c> (timed, <see cref="TimedRuns"/>) or
/// <c>memory</c> (retained bytes after Local, as the <c>memory</c> mode measures them). On failure
/// the line is <c>{"error": …}</c> and the exit code 1.
/// </summary>
public static class WorkerMode
{
    public const string EngineId = "crdtcollab";

    // Error messages quote names ('local'); the default encoder would write them as \u0027.
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int Run(string[] args)
    {
        try
        {
            Console.WriteLine(JsonSerializer.Serialize(Measure(args), Json));
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or IOException)
        {
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = e.Message }, Json));
            return 1;
        }
    }

    private static Dictionary<string, object?> Measure(string[] args)
    {
        if (args.Length < 2)
        {
            throw new ArgumentException("usage: worker TRACE MEASUREMENT [--runs N] [--max-seconds S]");
        }

        var runs = 5;
        var maxSeconds = 60.0;
        for (var i = 2; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i++])
            {
                case "--runs": runs = Math.Max(1, int.Parse(value, CultureInfo.InvariantCulture)); break;
                case "--max-seconds": maxSeconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument '{args[i - 1]}'");
            }
        }

        var (traceName, measurement) = (args[0], args[1]);
        if (!EditingTrace.All.Contains(traceName))
        {
            throw new ArgumentException($"unknown trace '{traceName}' (known: {string.Join(", ", EditingTrace.All)})");
        }

        var trace = EditingTrace.Load(traceName);
        var record = new Dictionary<string, object?>
        {
            ["engine"] = EngineId,
            ["trace"] = traceName,
            ["measurement"] = measurement,
            ["runtime"] = RuntimeInformation.FrameworkDescription,
        };
        if (measurement == "memory")
        {
            var samples = MemoryMode.Samples(trace);
            record["status"] = "ok";
            record["runs"] = record["runsRequested"] = samples.Length;
            record["retainedBytes"] = samples[samples.Length / 2];
            record["samples"] = samples;
            return record;
        }

        var scenario = Scenario.Prepare(trace, measurement);
        foreach (var (k, v) in scenario.Facts)
        {
            record[k] = v;
        }

        var loadBefore = LoadAverage.Read()?[0];
        var s = TimedRuns.Measure(scenario, runs, maxSeconds);
        record["runsRequested"] = runs;
        record["status"] = "ok";
        record["runs"] = s.Runs;
        record["invocationsPerRun"] = s.InvocationsPerRun;
        record["warmupRunsMs"] = s.WarmupMs;
        record["runsMs"] = s.WallMs;
        record["medianMs"] = s.WallMedian;
        record["minMs"] = s.WallMs.Min();
        record["cpuRunsMs"] = s.CpuMs;
        record["cpuMedianMs"] = s.CpuMs is null ? null : Format.Median(s.CpuMs);
        record["cpuMinMs"] = s.CpuMs?.Min();
        record["loadAvg1m"] = new[] { loadBefore, LoadAverage.Read()?[0] };
        return record;
    }
}
