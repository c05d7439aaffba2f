using System.Globalization;
using System.Text.Json;

namespace CrdtCollab.Benchmarks.Modes;

/// <summary>
/// A <c>results.json</c> written by <c>benchmarks/peers/run.mjs</c>: the peers' records and, when
/// run.mjs ran our engine too (engine id <see cref="WorkerMode.EngineId"/>), ours, measured in the
/// same window.
/// </summary>
internal sealed class PeerResults
{
    private readonly List<JsonElement> _results;

    private PeerResults(JsonDocument json)
    {
        var root = json.RootElement;
        var m = root.GetProperty("machine");
        Machine = $"{m.GetProperty("cpuModel").GetString()}, {m.GetProperty("cores").GetInt32()} cores, Node {m.GetProperty("node").GetString()}, {m.GetProperty("date").GetString()}";
        LoadAverages = $"{Load1m(m, "loadAverageAtStart")} at start, {Load1m(m, "loadAverageAtEnd")} at end";
        Engines = [.. root.GetProperty("engines").EnumerateObject()
            .Where(e => e.Name != WorkerMode.EngineId)
            .Select(e => (e.Name, $"{e.Value.GetProperty("label").GetString()} {e.Value.GetProperty("version").GetString()}"))];
        _results = [.. root.GetProperty("results").EnumerateArray()];
        HasOurs = _results.Any(r => r.GetProperty("engine").GetString() == WorkerMode.EngineId);
        if (root.TryGetProperty("config", out var config) && config.TryGetProperty("rounds", out var rounds))
        {
            var perRound = config.GetProperty("runsPerRound").GetInt32();
            Interleaving = $"{rounds.GetInt32()} rounds of {perRound} run{(perRound == 1 ? "" : "s")} per engine, in the order "
                + string.Join(", ", config.GetProperty("engineOrder").EnumerateArray().Select(e => e.GetString()));
        }
    }

    public string Machine { get; }

    /// <summary>The 1-minute load average when the run started and ended.</summary>
    public string LoadAverages { get; }

    /// <summary>The peer engines (never ours), in the file's order.</summary>
    public List<(string Id, string Label)> Engines { get; }

    /// <summary>Whether the file holds records of our engine (a same-window run).</summary>
    public bool HasOurs { get; }

    /// <summary>How run.mjs interleaved the engines, or null for a file from before interleaving.</summary>
    public string? Interleaving { get; }

    public static PeerResults Read(string path) => new(JsonDocument.Parse(File.ReadAllBytes(path)));

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

    /// <summary>The record's status is <c>ok</c>.</summary>
    public static bool IsOk(JsonElement r) => r.GetProperty("status").GetString() == "ok";

    private static string Load1m(JsonElement machine, string name) =>
        machine.TryGetProperty(name, out var l) && l.ValueKind == JsonValueKind.Array && l.GetArrayLength() > 0
            ? l[0].GetDouble().ToString("F1", CultureInfo.InvariantCulture)
            : "n/a";
}
