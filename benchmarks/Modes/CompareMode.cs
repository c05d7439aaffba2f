using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CrdtCollab.Benchmarks.Gate;
using CrdtCollab.Benchmarks.Traces;
using CrdtCollab.Crdt;

namespace CrdtCollab.Benchmarks.Modes;

/// <summary>
/// <c>-- compare [--runs N] [--max-seconds S] [--peers FILE] [--trace NAME]...</c>: measures our
/// four scenarios and retained memory with the same protocol as <c>benchmarks/peers/run.mjs</c>
/// (inputs prepared untimed, up to three warm-up runs, then the median of N timed runs, cut to fit
/// a per-measurement budget), reads the peers' <c>results.json</c> and prints one Markdown table:
/// each engine's median and our ratio to it (ours ÷ peer, so below 1× means we are faster).
/// Like the peers, every run reads two clocks: the main thread's CPU time and the wall clock; on a
/// shared machine only the CPU times are comparable, so ratios use them whenever both sides have
/// them (the peers' <c>cpuMedianMs</c>, Linux only) and wall medians otherwise.
/// </summary>
public static class CompareMode
{
    private const int MaxWarmupRuns = 3;

    private static readonly string[] Measurements = ["local", "encode", "load", "incremental"];

    public static int Run(string[] args)
    {
        var runs = 5;
        var maxSeconds = 60.0;
        var peersPath = Path.Combine(RepoPaths.BenchmarksDir, "peers", "results.json");
        var traces = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--max-seconds": maxSeconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--peers": peersPath = Path.GetFullPath(args[++i]); break;
                case "--trace": traces.Add(args[++i]); break;
                default: Console.Error.WriteLine($"unknown argument '{args[i]}'"); return 2;
            }
        }

        if (traces.Count == 0)
        {
            traces.AddRange(EditingTrace.All);
        }

        var ours = new Dictionary<(string Trace, string Measurement), double>();
        var oursWall = new Dictionary<(string Trace, string Measurement), double>();
        foreach (var name in traces)
        {
            var trace = EditingTrace.Load(name);
            // Memory first, while the heap holds nothing but the decoded trace.
            ours[(name, "memory")] = MemoryMode.Measure(trace);
            foreach (var m in Measurements)
            {
                (ours[(name, m)], oursWall[(name, m)]) = Measure(trace, m, runs, maxSeconds, out var size);
                if (size > 0)
                {
                    ours[(name, "size")] = size;
                }
            }
        }

        var peers = File.Exists(peersPath) ? Peers.Read(peersPath) : null;
        Console.WriteLine($"CrdtCollab: {Format.Machine()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {LoadAverage()}; median of {runs} runs after up to {MaxWarmupRuns} warm-ups");
        Console.WriteLine(peers is null
            ? $"Peers: {peersPath} not found; run `node --expose-gc benchmarks/peers/run.mjs` first. Peer columns show n/a."
            : $"Peers: {peers.Machine} ({peersPath})");
        Console.WriteLine();
        Console.WriteLine(Table(traces, ours, oursWall, peers));
        return 0;
    }

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    /// <summary>Median main-thread CPU ms (wall ms off Linux) and median wall ms.</summary>
    private static (double Cpu, double Wall) Measure(EditingTrace trace, string measurement, int runs, double maxSeconds, out long size)
    {
        size = 0;
        Func<YDoc?> step;
        switch (measurement)
        {
            case "local":
                step = () => TraceReplay.Local(trace);
                break;
            case "encode":
            {
                var doc = TraceReplay.Local(trace);
                size = doc.EncodeStateAsUpdate().Length;
                step = () =>
                {
                    doc.EncodeStateAsUpdate();
                    return null;
                };
                break;
            }
            case "load":
            {
                var update = TraceReplay.Local(trace).EncodeStateAsUpdate();
                step = () => TraceReplay.Load(update);
                break;
            }
            default:
            {
                var updates = TraceReplay.Capture(trace);
                step = () => TraceReplay.ApplyAll(updates);
                break;
            }
        }

        (double Cpu, double Wall) Once()
        {
            // Collect the previous run's document outside the timed region, so each run starts
            // from the same heap instead of paying for its predecessor's garbage.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var cpu0 = CpuTimeClock.ThreadMilliseconds();
            var t0 = Stopwatch.GetTimestamp();
            var doc = step();
            var wall = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            var cpu = CpuTimeClock.ThreadMilliseconds() - cpu0 ?? wall;
            if (doc is not null)
            {
                TraceReplay.Expect(doc, trace, measurement);
            }

            return (cpu, wall);
        }

        var warmup = new List<double>();
        do
        {
            warmup.Add(Once().Wall);
        }
        while (warmup.Count < MaxWarmupRuns && warmup.Sum() < maxSeconds * 1000 / 4);

        var n = Math.Max(1, Math.Min(runs, (int)(maxSeconds * 1000 / Math.Max(warmup[^1], 1e-6))));
        var timed = new List<(double Cpu, double Wall)>(n);
        for (var i = 0; i < n; i++)
        {
            timed.Add(Once());
        }

        var cpuMedian = Format.Median([.. timed.Select(t => t.Cpu)]);
        var wallMedian = Format.Median([.. timed.Select(t => t.Wall)]);
        Console.Error.WriteLine($"  {trace.Name} {measurement}: warm-up {string.Join(' ', warmup.Select(Format.Ms))} ms wall | runs {string.Join(' ', timed.Select(t => Format.Ms(t.Wall)))} ms wall, {string.Join(' ', timed.Select(t => Format.Ms(t.Cpu)))} ms cpu");
        return (cpuMedian, wallMedian);
    }

    private static string Table(List<string> traces, Dictionary<(string, string), double> ours, Dictionary<(string, string), double> oursWall, Peers? peers)
    {
        var engines = peers?.Engines ?? [];
        var lines = new List<string>
        {
            $"| trace | measurement | CrdtCollab (C#) | {string.Join(" | ", engines.Select(e => e.Label))} |",
            $"|---|---|---:|{string.Concat(engines.Select(_ => "---:|"))}",
        };
        string[] rows = ["local", "encode", "load", "incremental", "size", "memory"];
        foreach (var t in traces)
        {
            foreach (var m in rows)
            {
                if (!ours.TryGetValue((t, m), out var mine))
                {
                    continue;
                }

                var label = m switch
                {
                    "size" => "encoded size",
                    "memory" => "memory after local",
                    _ => m + " (ms)",
                };
                var cells = engines.Select(e => PeerCell(peers!, t, m, e.Id, mine));
                var ourCell = oursWall.TryGetValue((t, m), out var wall) ? $"{Format.Ms(mine)} ({Format.Ms(wall)})" : OurCell(m, mine);
                lines.Add($"| {t} | {label} | {ourCell} | {string.Join(" | ", cells)} |");
            }
        }

        lines.Add("");
        lines.Add("Times are medians in ms of main-thread CPU time, wall time in parentheses (a peer record without CPU times shows wall only); " +
            "`×r` is ours ÷ that engine on CPU time (wall if the peer has no CPU time; below 1 we are faster). Encoded size: one V1 update " +
            "(Yjs, Yrs) or the engine's own snapshot format. Memory: ours is managed bytes retained by the document " +
            "(GC.GetTotalMemory(true) delta); peers' is the JS heapUsed delta plus wasm linear-memory growth (64 KiB pages).");
        return string.Join('\n', lines);
    }

    private static string OurCell(string m, double v) => m switch
    {
        "size" => $"{v:N0} B",
        "memory" => Format.Bytes(v),
        _ => Format.Ms(v),
    };

    private static string PeerCell(Peers peers, string trace, string m, string engine, double mine)
    {
        var r = peers.Find(trace, m is "size" ? "encode" : m, engine);
        if (r is null)
        {
            return "—";
        }

        if (r.Value.GetProperty("status").GetString() != "ok")
        {
            var reason = r.Value.TryGetProperty("reason", out var why) ? why.GetString() ?? "" : "";
            return $"n/a ({Truncate(reason, 40)})";
        }

        double theirs;
        string shown;
        switch (m)
        {
            case "size":
                theirs = r.Value.GetProperty("bytes").GetDouble();
                shown = $"{theirs:N0} B";
                break;
            case "memory":
                var heap = r.Value.GetProperty("heapUsedDeltaBytes").GetDouble();
                var wasm = r.Value.GetProperty("wasmMemoryGrowthBytes") is { ValueKind: JsonValueKind.Number } w ? w.GetDouble() : 0;
                theirs = heap + wasm;
                shown = Format.Bytes(theirs);
                break;
            default:
                var wallMs = r.Value.GetProperty("medianMs").GetDouble();
                var hasCpu = r.Value.TryGetProperty("cpuMedianMs", out var c) && c.ValueKind == JsonValueKind.Number;
                theirs = hasCpu ? c.GetDouble() : wallMs;
                var n = r.Value.GetProperty("runs").GetInt32();
                shown = (hasCpu ? $"{Format.Ms(theirs)} ({Format.Ms(wallMs)})" : $"wall {Format.Ms(wallMs)}")
                    + (n < r.Value.GetProperty("runsRequested").GetInt32() ? $" n={n}" : "");
                break;
        }

        return theirs > 0 ? $"{shown} ×{Format.Ratio(mine / theirs).TrimEnd('×')}" : shown;
    }

    private static string Truncate(string s, int n) => (s.Length <= n ? s : s[..n] + "…").Replace('|', '/');

    private sealed class Peers
    {
        private readonly List<JsonElement> _results;

        private Peers(JsonDocument json)
        {
            var root = json.RootElement;
            var m = root.GetProperty("machine");
            Machine = $"{m.GetProperty("cpuModel").GetString()}, {m.GetProperty("cores").GetInt32()} cores, Node {m.GetProperty("node").GetString()}, {m.GetProperty("date").GetString()}";
            Engines = [.. root.GetProperty("engines").EnumerateObject().Select(e =>
                (e.Name, $"{e.Value.GetProperty("label").GetString()} {e.Value.GetProperty("version").GetString()}"))];
            _results = [.. root.GetProperty("results").EnumerateArray()];
        }

        public string Machine { get; }

        public List<(string Id, string Label)> Engines { get; }

        public static Peers Read(string path) => new(JsonDocument.Parse(File.ReadAllBytes(path)));

        public JsonElement? Find(string trace, string measurement, string engine)
        {
            foreach (var r in _results)
            {
                if (r.GetProperty("trace").GetString() == trace && r.GetProperty("measurement").GetString() == measurement
                    && r.GetProperty("engine").GetString() == engine)
                {
                    return r;
                }
            }

            return null;
        }
    }
}
