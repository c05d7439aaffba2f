using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CrdtCollab.Benchmarks.EventStore;
using CrdtCollab.Benchmarks.Modes;
using CrdtCollab.Benchmarks.Traces;

namespace CrdtCollab.Benchmarks.Sync;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks -- sync &lt;intake|ack|fanout|batcher|coldstart&gt; [options]</c>:
/// the sync server end to end. Starts a throwaway PostgreSQL (<see cref="LocalPostgres"/>) and a
/// real server in this process on a loopback port (a fresh schema per server), drives it with
/// real SignalR MessagePack clients (also in this process), prints a table and writes
/// <c>benchmarks/Sync/results/&lt;scenario&gt;.json</c>. See benchmarks/Sync/README.md.
/// </summary>
public static class SyncBench
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var o = SyncOptions.Parse(args);
        if (o.Scenario is not ("intake" or "ack" or "fanout" or "batcher" or "coldstart"))
        {
            Console.Error.WriteLine("usage: sync <intake|ack|fanout|batcher|coldstart> [--seconds S] [--warmup S] [--docs N] [--connections C] [--inflight K] " +
                "[--writers W] [--flush-max N[,N…]] [--flush-ms T] [--batcher wolverine|channel[,…]] [--rates R[,R…]] [--fanout-docs D] [--clients-per-doc K] " +
                "[--edits-per-second E] [--runs N] [--rounds N] [--no-signalr] [--no-inprocess] [--set Key=Value]… [--out NAME]");
            return 2;
        }
        // The thread pool keeps its defaults, as the server's own Program does: the server runs in this process.
        var spin = Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit");
        Console.WriteLine($"sync benchmark '{o.Scenario}': {Environment.ProcessorCount} cores, load {LoadAverage.Text()}, commit {Commit()}" +
            (spin is null ? "" : $", DOTNET_ThreadPool_UnfairSemaphoreSpinLimit={spin}"));
        await using var pg = await LocalPostgres.StartAsync();
        object results = o.Scenario switch
        {
            "intake" => await IntakeAsync(pg, o),
            "ack" => await AckAsync(pg, o, o.Batchers),
            "fanout" => await FanoutAsync(pg, o),
            "batcher" => await BatcherAsync(pg, o, args),
            _ => await ColdStartAsync(pg, o),
        };
        var dir = Path.Combine(RepoPaths.BenchmarksDir, "Sync", "results");
        Directory.CreateDirectory(dir);
        // --out NAME writes results/NAME.json instead (a variant run next to the scenario's own file).
        var name = args.Contains("--out") ? args[Array.IndexOf(args, "--out") + 1] : o.Scenario;
        var path = Path.Combine(dir, name + ".json");
        var doc = new Dictionary<string, object?>
        {
            ["scenario"] = o.Scenario,
            ["date"] = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture),
            ["commit"] = Commit(),
            ["cores"] = Environment.ProcessorCount,
            ["cpu"] = Format.CpuModel(),
            ["args"] = args,
            ["env_DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = spin,
            ["note"] = "server, clients and the benchmark share one process (CPU figures cover all of them); PostgreSQL (fsync=off) is a separate process",
            ["results"] = results,
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(doc, Json));
        Console.WriteLine($"wrote {Path.GetRelativePath(RepoPaths.RepoRoot, path)}");
        return 0;
    }

    private static async Task<object> IntakeAsync(LocalPostgres pg, SyncOptions o)
    {
        var results = new List<RunResult>();
        foreach (var batcher in o.Batchers)
        {
            foreach (var flushMax in o.FlushMax)
            {
                results.AddRange(await IntakeRunsAsync(pg, o, batcher, flushMax));
            }
        }
        PrintIntake(results);
        // Best of three (thread CPU time still sees cache and frequency effects of the neighbours).
        var costs = Enumerable.Range(0, 3).Select(_ => IntakeScenario.CrdtCost(o.Documents)).ToArray();
        var (generate, apply) = (costs.Min(c => c.GenerateUs), costs.Min(c => c.ApplyUs));
        Console.WriteLine($"CRDT cost per update, one thread: client makes it {generate:F1} µs, server validates+applies it {apply:F1} µs (load {LoadAverage.Text()})");
        return new Dictionary<string, object> { ["runs"] = results, ["crdt_generate_us"] = generate, ["crdt_apply_us"] = apply, ["crdt_cost_load"] = LoadAverage.Text() };
    }

    private static async Task<List<RunResult>> IntakeRunsAsync(LocalPostgres pg, SyncOptions o, string batcher, int flushMax)
    {
        var results = new List<RunResult>();
        await using var server = await BenchServer.StartAsync(pg.ConnectionString, o.ServerSettings(batcher, flushMax));
        if (!o.SkipSignalR)
        {
            Console.WriteLine($"intake over SignalR: {batcher}, flush {flushMax}/{o.FlushMs} ms, {o.Connections} connections × {o.InFlight} in flight, {o.Documents} documents, {o.Seconds} s …");
            results.Add(Tag(await IntakeScenario.SignalRAsync(server, o, "sr"), o, batcher, flushMax, o.Connections, o.InFlight, 0));
            PrintIntake([results[^1]]);
        }
        if (!o.SkipInProcess)
        {
            Console.WriteLine($"intake in-process (UpdateIntake.SubmitAsync): {batcher}, flush {flushMax}/{o.FlushMs} ms, {o.InProcessWriters} writers, {o.Documents} documents, {o.Seconds} s …");
            results.Add(Tag(await IntakeScenario.InProcessAsync(server, o, "ip"), o, batcher, flushMax, 0, 0, o.InProcessWriters));
            PrintIntake([results[^1]]);
        }
        return results;
    }

    private static RunResult Tag(RunResult r, SyncOptions o, string batcher, int flushMax, int connections, int inFlight, int writers)
    {
        r.Batcher = batcher;
        r.FlushMax = flushMax;
        r.FlushMs = o.FlushMs;
        r.Connections = connections;
        r.InFlight = inFlight;
        r.Writers = writers;
        r.Documents = o.Documents;
        return r;
    }

    private static void PrintIntake(IReadOnlyList<RunResult> results)
    {
        Console.WriteLine();
        Console.WriteLine("| path | batcher | flush | updates/s acked | all stored (rows = stored acks) | errors | mean batch | mean commit ms | max concurrent commits | CPU ms / 1k updates | cores busy | load avg |");
        Console.WriteLine("|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            Console.WriteLine($"| {r.Path} | {r.Batcher} | {r.FlushMax}/{r.FlushMs} ms | {r.UpdatesPerSecond:N0} | {(r.EveryUpdateStored ? "yes" : "NO")} ({r.RowsAdded:N0} = {r.TotalStoredAcks:N0}) | {r.Errors} | " +
                $"{r.MeanBatch:F0} | {r.MeanCommitMs:F2} | {r.MaxConcurrentCommits} | {r.CpuMsPerThousand:F0} | {r.CpuCoresBusy:F2} | {r.LoadAverage} |");
        }
        Console.WriteLine();
    }

    private static async Task<List<AckResult>> AckAsync(LocalPostgres pg, SyncOptions o, string[] batchers)
    {
        var results = new List<AckResult>();
        foreach (var batcher in batchers)
        {
            await using var server = await BenchServer.StartAsync(pg.ConnectionString, o.ServerSettings(batcher, o.FlushMax[0]));
            foreach (var rate in o.Rates)
            {
                Console.WriteLine($"ack latency: {batcher}, flush {o.FlushMax[0]}/{o.FlushMs} ms, {rate:N0} updates/s offered for {o.Seconds} s over {o.Connections} connections …");
                var r = await AckScenario.RunAsync(server, o, rate, $"ack{rate}");
                r.Batcher = batcher;
                r.FlushMax = o.FlushMax[0];
                results.Add(r);
                PrintAck([r]);
            }
        }
        PrintAck(results);
        return results;
    }

    private static void PrintAck(IReadOnlyList<AckResult> results)
    {
        Console.WriteLine();
        Console.WriteLine("| batcher | offered/s | acked/s | p50 ms | p99 ms | p99.9 ms | max ms | send lag p99 ms | errors | all stored | CPU ms / 1k updates | mean batch | max concurrent commits | load avg |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|");
        foreach (var r in results)
        {
            Console.WriteLine($"| {r.Batcher} | {r.OfferedRate:N0} | {r.AchievedRate:N0} | {Format.Ms(r.P50)} | {Format.Ms(r.P99)} | {Format.Ms(r.P999)} | {Format.Ms(r.Max)} | {Format.Ms(r.SendLagP99)} | " +
                $"{r.Errors + r.Unfinished} | {(r.EveryUpdateStored ? "yes" : "NO")} | {r.CpuMsPerThousand:F0} | {r.MeanBatch:F0} | {r.MaxConcurrentCommits} | {r.LoadAverage} |");
        }
        Console.WriteLine();
    }

    private static async Task<FanoutResult> FanoutAsync(LocalPostgres pg, SyncOptions o)
    {
        await using var server = await BenchServer.StartAsync(pg.ConnectionString, o.ServerSettings(o.Batchers[0], o.FlushMax[0]));
        Console.WriteLine($"fan-out: {o.FanoutDocuments} documents × {o.ClientsPerDocument} clients, {o.EditsPerSecond} edits/s each, {o.Seconds} s …");
        var r = await FanoutScenario.RunAsync(server, o);
        Console.WriteLine();
        Console.WriteLine("| documents × clients | edits/s/client | sends | receipts (expected) | p50 ms | p99 ms | p99.9 ms | max ms | errors | load avg |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        Console.WriteLine($"| {r.Documents} × {r.ClientsPerDocument} | {r.EditsPerSecond} | {r.Sent:N0} | {r.Receipts:N0} ({r.ExpectedReceipts:N0}) | {Format.Ms(r.P50)} | {Format.Ms(r.P99)} | {Format.Ms(r.P999)} | {Format.Ms(r.Max)} | {r.Errors} | {r.LoadAverage} |");
        Console.WriteLine();
        return r;
    }

    private static async Task<object> BatcherAsync(LocalPostgres pg, SyncOptions o, string[] args)
    {
        int rounds = args.Contains("--rounds") ? int.Parse(args[Array.IndexOf(args, "--rounds") + 1], CultureInfo.InvariantCulture) : 1;
        var acks = new List<AckResult>();
        var intakes = new List<RunResult>();
        for (int round = 0; round < rounds; round++)
        {
            // Alternating batchers: a burst of outside load then hits both sides of the comparison.
            foreach (var batcher in round % 2 == 0 ? o.Batchers : o.Batchers.Reverse())
            {
                acks.AddRange(await AckAsync(pg, o, [batcher]));
                intakes.AddRange(await IntakeRunsAsync(pg, o, batcher, o.FlushMax[0]));
            }
        }
        // Idle cost: a started, primed server with no traffic (and no clients) for 5 s.
        var idle = new Dictionary<string, object>();
        foreach (var b in o.Batchers)
        {
            await using var server = await BenchServer.StartAsync(pg.ConnectionString, o.ServerSettings(b, o.FlushMax[0]));
            await Task.Delay(1_000);
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            await Task.Delay(5_000);
            var cores = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds / 5;
            idle[b + "_idle_cpu_cores"] = cores;
            idle[b + "_idle_load"] = LoadAverage.Text();
            Console.WriteLine($"idle {b} server: {cores * 1000:F1} ms CPU per second (load {LoadAverage.Text()})");
        }
        PrintAck(acks);
        PrintIntake(intakes);
        var summary = new List<Dictionary<string, object>>();
        foreach (var path in intakes.Select(r => r.Path).Distinct())
        {
            var row = new Dictionary<string, object> { ["path"] = path };
            foreach (var b in o.Batchers)
            {
                var mine = intakes.Where(r => r.Path == path && r.Batcher == b).ToArray();
                if (mine.Length > 0)
                {
                    row[b + "_updates_per_s"] = mine.Max(r => r.UpdatesPerSecond);
                    row[b + "_cpu_ms_per_1k"] = mine.Min(r => r.CpuMsPerThousand);
                }
            }
            summary.Add(row);
            Console.WriteLine($"{path}: " + string.Join(", ", row.Where(kv => kv.Key != "path").Select(kv => $"{kv.Key} {Convert.ToDouble(kv.Value, CultureInfo.InvariantCulture):N1}")) + " (best of rounds)");
        }
        foreach (var rate in o.Rates)
        {
            var row = new Dictionary<string, object> { ["path"] = $"ack {rate}/s" };
            foreach (var b in o.Batchers)
            {
                var mine = acks.Where(r => r.OfferedRate == rate && r.Batcher == b).ToArray();
                if (mine.Length > 0)
                {
                    row[b + "_p99_ms"] = mine.Min(r => r.P99);
                    row[b + "_cpu_ms_per_1k"] = mine.Min(r => r.CpuMsPerThousand);
                }
            }
            summary.Add(row);
            Console.WriteLine($"ack {rate}/s: " + string.Join(", ", row.Where(kv => kv.Key != "path").Select(kv => $"{kv.Key} {Convert.ToDouble(kv.Value, CultureInfo.InvariantCulture):N2}")) + " (best of rounds)");
        }
        return new Dictionary<string, object> { ["ack"] = acks, ["intake"] = intakes, ["summary"] = summary, ["idle"] = idle };
    }

    private static async Task<object> ColdStartAsync(LocalPostgres pg, SyncOptions o)
    {
        var runs = new List<ColdStartRun>();
        for (int run = 1; run <= o.Runs; run++)
        {
            var r = await ColdStartScenario.RunOnceAsync(pg.ConnectionString, run);
            runs.Add(r);
            Console.WriteLine($"run {run}: first /health at {r.FirstServedMs:F0} ms, joined {r.JoinedMs:F0} ms, first update acked {r.FirstAckMs:F0} ms (second update {r.SecondUpdateMs:F1} ms); first log {r.FirstLogMs:F0} ms, Wolverine start-up {r.WolverineFirstLogMs:F0}–{r.WolverineStartedMs:F0} ms, handler compile {r.HandlerCompileStartMs:F0}–{r.HandlerCompiledMs:F0} ms, " +
                $"listening {r.ListeningMs:F0} ms, started {r.StartedMs:F0} ms (load {r.LoadAverage})");
        }
        var served = runs.Where(r => !double.IsNaN(r.FirstServedMs)).Select(r => r.FirstServedMs).ToArray();
        double median = served.Length > 0 ? Format.Median(served) : double.NaN;
        Console.WriteLine();
        double M(Func<ColdStartRun, double> f) => runs.Count > 0 ? Format.Median([.. runs.Select(f)]) : double.NaN;
        Console.WriteLine("| runs | first /health median ms (min–max) | of which Wolverine start-up ms | first update acked median ms | first update alone ms | of which Wolverine handler compile ms | second update ms | load avg |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---|");
        Console.WriteLine($"| {served.Length} | {median:F0} ({(served.Length > 0 ? served.Min() : double.NaN):F0}–{(served.Length > 0 ? served.Max() : double.NaN):F0}) | " +
            $"{M(r => r.WolverineStartupSpanMs):F0} | {M(r => r.FirstAckMs):F0} | {M(r => r.FirstAckMs - r.JoinedMs):F0} | {M(r => r.HandlerCompileSpanMs):F0} | {M(r => r.SecondUpdateMs):F1} | {LoadAverage.Text()} |");
        Console.WriteLine();
        return new Dictionary<string, object>
        {
            ["median_first_health_ms"] = median,
            ["median_wolverine_startup_ms"] = M(r => r.WolverineStartupSpanMs),
            ["median_first_update_acked_ms"] = M(r => r.FirstAckMs),
            ["median_first_update_alone_ms"] = M(r => r.FirstAckMs - r.JoinedMs),
            ["median_handler_compile_ms"] = M(r => r.HandlerCompileSpanMs),
            ["median_second_update_ms"] = M(r => r.SecondUpdateMs),
            ["runs"] = runs,
        };
    }

    private static string Commit()
    {
        // A run from an exported tree (git archive) names the commit it was exported from.
        if (Environment.GetEnvironmentVariable("CRDTCOLLAB_BENCH_COMMIT") is { Length: > 0 } given)
        {
            return given;
        }
        try
        {
            var start = new ProcessStartInfo("git", "rev-parse --short HEAD") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.RepoRoot };
            using var p = Process.Start(start)!;
            var s = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return s;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
