using System.Text.Json;

namespace CrdtCollab.Benchmarks.Modes;

/// <summary>
/// The one Markdown table of ours vs the peers: per trace and measurement, each engine's median and
/// our ratio to it (ours ÷ peer, so below 1× means we are faster). Ratios use main-thread CPU
/// medians whenever both sides have them, wall medians otherwise.
/// </summary>
internal static class CompareTable
{
    private static readonly string[] Rows = ["local", "encode", "load", "incremental", "encodeV2", "loadV2", "size", "memory"];

    public static string Render(IReadOnlyList<string> traces, OurFigures ours, PeerResults? peers)
    {
        var engines = peers?.Engines ?? [];
        var lines = new List<string>
        {
            $"| trace | measurement | CrdtCollab (C#) | {string.Join(" | ", engines.Select(e => e.Label))} |",
            $"|---|---|---:|{string.Concat(engines.Select(_ => "---:|"))}",
        };
        foreach (var t in traces)
        {
            foreach (var m in Rows)
            {
                if (OurCell(ours, t, m) is not { } ourCell)
                {
                    continue;
                }

                var (mine, shown) = ourCell;

                var label = m switch
                {
                    "size" => "encoded size",
                    "memory" => "memory after local",
                    _ => m + " (ms)",
                };
                var cells = engines.Select(e => PeerCell(peers!, t, m, e.Id, mine));
                lines.Add($"| {t} | {label} | {shown} | {string.Join(" | ", cells)} |");
            }
        }

        lines.Add("");
        lines.Add("Times are medians in ms of main-thread CPU time, wall time in parentheses (a peer record without CPU times shows wall only); " +
            "`n=k`: fewer runs than asked, to fit the time budget; " +
            "`×r` is ours ÷ that engine on CPU time (wall if the peer has no CPU time; below 1 we are faster). Encoded size: one V1 update " +
            "(Yjs, Yrs) or the engine's own snapshot format. Memory: ours is managed bytes retained by the document " +
            "(GC.GetTotalMemory(true) delta); peers' is the JS heapUsed delta plus wasm linear-memory growth (64 KiB pages).");
        return string.Join('\n', lines);
    }

    private static (double Value, string Shown)? OurCell(OurFigures ours, string trace, string m)
    {
        switch (m)
        {
            case "size":
                return ours.Size(trace) is { } size ? (size, $"{size:N0} B") : null;
            case "memory":
                return ours.Memory(trace) is { } bytes ? (bytes, Format.Bytes(bytes)) : null;
            default:
                var r = ours.Find(trace, m);
                return r is null ? null : (r.Cpu, $"{Format.Ms(r.Cpu)} ({Format.Ms(r.Wall)})" + RunsNote(r.Runs, r.RunsRequested));
        }
    }

    private static string RunsNote(int runs, int requested) => runs < requested ? $" n={runs}" : "";

    private static string PeerCell(PeerResults peers, string trace, string m, string engine, double mine)
    {
        var found = peers.Find(trace, m is "size" ? "encode" : m, engine);
        if (found is not { } r)
        {
            return "—";
        }

        if (!PeerResults.IsOk(r))
        {
            var reason = r.TryGetProperty("reason", out var why) ? why.GetString() ?? "" : "";
            return $"n/a ({Truncate(reason, 40)})";
        }

        double theirs;
        string shown;
        switch (m)
        {
            case "size":
                theirs = r.GetProperty("bytes").GetDouble();
                shown = $"{theirs:N0} B";
                break;
            case "memory":
                var heap = r.GetProperty("heapUsedDeltaBytes").GetDouble();
                var wasm = r.GetProperty("wasmMemoryGrowthBytes") is { ValueKind: JsonValueKind.Number } w ? w.GetDouble() : 0;
                theirs = heap + wasm;
                shown = Format.Bytes(theirs);
                break;
            default:
                var wallMs = r.GetProperty("medianMs").GetDouble();
                var hasCpu = r.TryGetProperty("cpuMedianMs", out var c) && c.ValueKind == JsonValueKind.Number;
                theirs = hasCpu ? c.GetDouble() : wallMs;
                shown = (hasCpu ? $"{Format.Ms(theirs)} ({Format.Ms(wallMs)})" : $"wall {Format.Ms(wallMs)}")
                    + RunsNote(r.GetProperty("runs").GetInt32(), r.GetProperty("runsRequested").GetInt32());
                break;
        }

        return theirs > 0 ? $"{shown} ×{Format.Ratio(mine / theirs).TrimEnd('×')}" : shown;
    }

    private static string Truncate(string s, int n) => (s.Length <= n ? s : s[..n] + "…").Replace('|', '/');
}
