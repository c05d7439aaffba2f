using System.Security.Cryptography;
using CrdtCollab.Benchmarks.Traces;
using CrdtCollab.Crdt;

namespace CrdtCollab.Benchmarks.Modes;

/// <summary>
/// One of the four timed measurements on one trace, with its inputs prepared (untimed) exactly as
/// <c>benchmarks/peers/run.mjs</c>'s worker prepares them: <c>encode</c> gets the Local replay's
/// document, <c>load</c> its V1 update, <c>incremental</c> the captured per-transaction updates,
/// <c>encodeV2</c> / <c>loadV2</c> the same as <c>encode</c> / <c>load</c> in update format V2.
/// <see cref="Op"/> is the timed work; <see cref="Check"/> verifies its result, outside the timed region.
/// </summary>
internal sealed class Scenario
{
    public static readonly string[] Measurements = ["local", "encode", "load", "incremental", "encodeV2", "loadV2"];

    private Scenario(EditingTrace trace, string measurement, Func<YDoc?> op)
    {
        Trace = trace;
        Measurement = measurement;
        Op = op;
    }

    public EditingTrace Trace { get; }

    public string Measurement { get; }

    /// <summary>The timed work; returns the document to verify, or null when there is nothing to check (encode).</summary>
    public Func<YDoc?> Op { get; }

    /// <summary>Facts about the inputs, reported as the Node worker reports them (<c>bytes</c>, <c>sha256</c>, <c>updates</c>, …).</summary>
    public Dictionary<string, object> Facts { get; } = [];

    public static Scenario Prepare(EditingTrace trace, string measurement)
    {
        switch (measurement)
        {
            case "local":
                return new Scenario(trace, measurement, () => TraceReplay.Local(trace));
            case "encode":
            {
                var doc = TraceReplay.Local(trace);
                var bytes = doc.EncodeStateAsUpdate();
                var s = new Scenario(trace, measurement, () =>
                {
                    doc.EncodeStateAsUpdate();
                    return null;
                });
                s.Facts["bytes"] = bytes.Length;
                s.Facts["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes));
                return s;
            }

            case "load":
            {
                var update = TraceReplay.Local(trace).EncodeStateAsUpdate();
                return new Scenario(trace, measurement, () => TraceReplay.Load(update));
            }

            case "encodeV2":
            {
                var doc = TraceReplay.Local(trace);
                var bytes = doc.EncodeStateAsUpdateV2();
                var s = new Scenario(trace, measurement, () =>
                {
                    doc.EncodeStateAsUpdateV2();
                    return null;
                });
                s.Facts["bytes"] = bytes.Length;
                s.Facts["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes));
                return s;
            }

            case "loadV2":
            {
                var update = TraceReplay.Local(trace).EncodeStateAsUpdateV2();
                return new Scenario(trace, measurement, () => TraceReplay.LoadV2(update));
            }

            case "incremental":
            {
                var updates = TraceReplay.Capture(trace);
                var s = new Scenario(trace, measurement, () => TraceReplay.ApplyAll(updates));
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                long total = 0;
                foreach (var u in updates)
                {
                    hash.AppendData(u);
                    total += u.Length;
                }

                s.Facts["updates"] = updates.Count;
                s.Facts["updateBytes"] = total;
                s.Facts["updatesSha256"] = Convert.ToHexStringLower(hash.GetHashAndReset());
                return s;
            }

            default:
                throw new ArgumentException($"unknown measurement '{measurement}' (known: {string.Join(", ", Measurements)})");
        }
    }

    /// <summary>Throws unless an <see cref="Op"/> result holds the trace's final text.</summary>
    public void Check(YDoc? doc)
    {
        if (doc is not null)
        {
            TraceReplay.Expect(doc, Trace, Measurement);
        }
    }
}
