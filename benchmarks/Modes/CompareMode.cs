using System.Globalization;
using CrdtCollab.Benchmarks.Traces;

namespace CrdtCollab.Benchmarks.Modes;

/// <summary>
/// <c>-- compare [--peers FILE] [--measure] [--runs N] [--max-seconds S] [--trace NAME]...</c>:
/// prints one Markdown table of ours vs the peers (<see cref="CompareTable"/>) from a
/// <c>benchmarks/peers/run.mjs</c> results file (default <c>benchmarks/peers/results.json</c>).
/// When that file holds our engine's records (a same-window run: run.mjs timed us through
/// <see cref="WorkerMode"/>, interleaved with the peers) the table is read from it and nothing is
/// measured. Otherwise, or with <c>--measure</c>, our figures are measured now with the peers'
/// protocol (<see cref="Scenario"/>, <see cref="TimedRuns"/>) and set against the stored peers —
/// figures from two different times, which on this machine's slow and fast phases can be 1.5–2× apart.
/// </summary>
public static class CompareMode
{
    public static int Run(string[] args)
    {
        var runs = 5;
        var maxSeconds = 60.0;
        var measure = false;
        var peersPath = Path.Combine(RepoPaths.BenchmarksDir, "peers", "results.json");
        var traces = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--max-seconds": maxSeconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--peers": peersPath = Path.GetFullPath(args[++i]); break;
                case "--measure": measure = true; break;
                case "--trace": traces.Add(args[++i]); break;
                default: Console.Error.WriteLine($"unknown argument '{args[i]}'"); return 2;
            }
        }

        if (traces.Count == 0)
        {
            traces.AddRange(EditingTrace.All);
        }

        var peers = File.Exists(peersPath) ? PeerResults.Read(peersPath) : null;
        OurFigures ours;
        if (peers is { HasOurs: true } && !measure)
        {
            ours = OurFigures.FromResults(peers, traces);
            Console.WriteLine($"Same-window run ({peersPath}): {peers.Machine}; 1-min load average {peers.LoadAverages}");
            Console.WriteLine(peers.Interleaving is { } how ? $"Interleaved: {how}; medians over all of an engine's timed runs." : "Not interleaved.");
        }
        else
        {
            ours = OurFigures.Measure(traces, runs, maxSeconds);
            Console.WriteLine($"CrdtCollab: {Format.Machine()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {LoadAverage.Text()}; " +
                $"median of {runs} runs after >= {TimedRuns.MinWarmupRuns} warm-ups and >= {TimedRuns.MinWarmupMs} ms of warm-up");
            Console.WriteLine(peers is null
                ? $"Peers: {peersPath} not found; run `node --expose-gc benchmarks/peers/run.mjs` first. Peer columns show n/a."
                : $"Peers: {peers.Machine} ({peersPath}), measured at another time: ratios mix two machine phases; prefer a same-window run (run.mjs --engine crdtcollab ...)");
        }

        Console.WriteLine();
        Console.WriteLine(CompareTable.Render(traces, ours, peers));
        return 0;
    }
}
