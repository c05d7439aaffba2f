using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace CrdtCollab.Benchmarks.Traces;

/// <summary>One trace patch: delete <see cref="Delete"/> characters at <see cref="Position"/>, then insert <see cref="Insert"/> there.</summary>
public readonly record struct TracePatch(int Position, int Delete, string Insert);

/// <summary>
/// A real editing trace from <c>benchmarks/Data</c>, decoded once into flat arrays so no JSON work
/// is ever inside a timed region. A name of the form <c>automerge-paper@60000</c> means the first
/// 60,000 transactions of that trace (the gate's smaller workload); its expected text is computed
/// by a plain string replay, independently of the engine.
/// </summary>
public sealed class EditingTrace
{
    /// <summary>The shipped traces, in the order every table uses.</summary>
    public static readonly string[] All = ["automerge-paper", "seph-blog1", "sveltecomponent"];

    private static readonly ConcurrentDictionary<string, EditingTrace> Cache = new();

    private EditingTrace(string name, TracePatch[] patches, int[] txnEnds, string endContent)
    {
        Name = name;
        Patches = patches;
        TxnEnds = txnEnds;
        EndContent = endContent;
    }

    public string Name { get; }

    /// <summary>Every patch of every transaction, in order.</summary>
    public TracePatch[] Patches { get; }

    /// <summary>Transaction <c>i</c> is <c>Patches[TxnEnds[i-1]..TxnEnds[i]]</c> (from 0 for the first).</summary>
    public int[] TxnEnds { get; }

    /// <summary>The text after the last transaction.</summary>
    public string EndContent { get; }

    public int Transactions => TxnEnds.Length;

    /// <summary>Loads (and caches) a trace by name, optionally cut to a prefix with <c>name@txns</c>.</summary>
    public static EditingTrace Load(string name) => Cache.GetOrAdd(name, static n =>
    {
        var at = n.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            return Read(n, int.MaxValue);
        }

        return Read(n[..at], int.Parse(n[(at + 1)..], System.Globalization.CultureInfo.InvariantCulture), n);
    });

    private static EditingTrace Read(string file, int maxTxns, string? name = null)
    {
        var path = Path.Combine(RepoPaths.DataDir, file + ".json.gz");
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var json = JsonDocument.Parse(gz);
        var root = json.RootElement;
        var patches = new List<TracePatch>();
        var ends = new List<int>();

        // No shipped trace has one, but a non-empty start becomes a leading insert transaction,
        // exactly as benchmarks/peers/run.mjs does, so every engine sees the same history.
        var start = root.GetProperty("startContent").GetString() ?? "";
        if (start.Length > 0)
        {
            patches.Add(new TracePatch(0, 0, start));
            ends.Add(patches.Count);
        }

        foreach (var txn in root.GetProperty("txns").EnumerateArray())
        {
            if (ends.Count >= maxTxns)
            {
                break;
            }

            foreach (var p in txn.GetProperty("patches").EnumerateArray())
            {
                patches.Add(new TracePatch(p[0].GetInt32(), p[1].GetInt32(), p[2].GetString() ?? ""));
            }

            ends.Add(patches.Count);
        }

        var patchArray = patches.ToArray();
        var end = maxTxns == int.MaxValue ? root.GetProperty("endContent").GetString()! : ReplayAsString(patchArray);
        return new EditingTrace(name ?? file, patchArray, ends.ToArray(), end);
    }

    // The reference semantics of a patch (Array.splice on the text); the traces only use BMP
    // characters, so code-point positions are UTF-16 positions.
    private static string ReplayAsString(TracePatch[] patches)
    {
        var sb = new StringBuilder();
        foreach (var p in patches)
        {
            sb.Remove(p.Position, p.Delete).Insert(p.Position, p.Insert);
        }

        return sb.ToString();
    }
}
