using System.Globalization;

namespace CrdtCollab.Benchmarks.Sync;

/// <summary>The <c>sync</c> mode's command line (every loop in the scenarios is bounded by these).</summary>
internal sealed class SyncOptions
{
    public required string Scenario { get; init; }

    /// <summary>Measured seconds per run (after <see cref="WarmupSeconds"/>).</summary>
    public double Seconds { get; init; }

    public double WarmupSeconds { get; init; }

    public int Documents { get; init; }

    public int Connections { get; init; }

    /// <summary>Update invocations each connection keeps in flight (the hub runs 16 at once per connection).</summary>
    public int InFlight { get; init; }

    /// <summary>Concurrent submitters in the in-process intake measurement.</summary>
    public int InProcessWriters { get; init; }

    /// <summary>Sync:FlushMaxUpdates values to run (intake runs each).</summary>
    public required int[] FlushMax { get; init; }

    public int FlushMs { get; init; }

    public required string[] Batchers { get; init; }

    /// <summary>Offered rates for <c>ack</c> (updates/s).</summary>
    public required int[] Rates { get; init; }

    public int FanoutDocuments { get; init; }

    public int ClientsPerDocument { get; init; }

    public double EditsPerSecond { get; init; }

    public int Runs { get; init; }

    /// <summary>Skip the SignalR or the in-process half of intake.</summary>
    public bool SkipSignalR { get; init; }

    public bool SkipInProcess { get; init; }

    /// <summary>Extra server settings, <c>--set Key=Value</c> (repeatable), e.g. <c>--set Sync:SnapshotEvery=1000000</c>.</summary>
    public required Dictionary<string, string?> Extra { get; init; }

    public static SyncOptions Parse(string[] args)
    {
        var extra = new Dictionary<string, string?>();
        for (int i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == "--set" && args[i + 1].Split('=', 2) is [var key, var value])
            {
                extra[key] = value;
            }
        }
        var scenario = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "";
        string? Get(string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        double D(string name, double d) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : d;
        int I(string name, int d) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : d;
        int[] Ints(string name, int[] d) => Get(name) is { } v ? [.. v.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture))] : d;
        return new SyncOptions
        {
            Scenario = scenario,
            Seconds = D("--seconds", scenario == "fanout" ? 30 : 10),
            WarmupSeconds = D("--warmup", 3),
            Documents = I("--docs", 200),
            Connections = I("--connections", 16),
            InFlight = I("--inflight", 32),
            InProcessWriters = I("--writers", 512),
            FlushMax = Ints("--flush-max", scenario == "intake" ? [100, 1000, 2000] : [100]),
            FlushMs = I("--flush-ms", 10),
            Batchers = Get("--batcher") is { } b ? b.Split(',') : scenario == "batcher" ? ["wolverine", "channel"] : ["wolverine"],
            Rates = Ints("--rates", [1_000, 10_000]),
            FanoutDocuments = I("--fanout-docs", 10),
            ClientsPerDocument = I("--clients-per-doc", 10),
            EditsPerSecond = D("--edits-per-second", 2),
            Runs = I("--runs", 3),
            SkipSignalR = args.Contains("--no-signalr"),
            SkipInProcess = args.Contains("--no-inprocess"),
            Extra = extra,
        };
    }

    public Dictionary<string, string?> ServerSettings(string batcher, int flushMax)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sync:Batcher"] = batcher,
            ["Sync:FlushMaxUpdates"] = flushMax.ToString(CultureInfo.InvariantCulture),
            ["Sync:FlushInterval"] = TimeSpan.FromMilliseconds(FlushMs).ToString("c", CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in Extra)
        {
            settings[k] = v;
        }
        return settings;
    }
}
