using System.Globalization;
using FsCheck;
using Microsoft.FSharp.Core;
using Xunit.Sdk;

namespace CrdtCollab.Property.Tests.Properties;

/// <summary>Everything observable about a document that replicas must agree on.</summary>
public sealed record DocState(string Json, string RootsJson, string TextDelta, byte[] Update, byte[] StateVector)
{
    public static DocState Of(YDoc doc) => new(
        doc.ToJson(),
        "[" + string.Join(",",
            doc.GetText(SessionRunner.TextRoot).ToJson(),
            doc.GetArray(SessionRunner.ArrayRoot).ToJson(),
            doc.GetMap(SessionRunner.MapRoot).ToJson()) + "]",
        Delta(doc.GetText(SessionRunner.TextRoot)),
        doc.EncodeStateAsUpdate(),
        doc.EncodeStateVector());

    public static string Delta(YText text) => string.Join(", ", text.ToDelta().Select(op =>
    {
        string insert = op.Insert switch
        {
            string s => Show.Str(s),
            YType t => t.GetType().Name + t.ToJson(),
            var v => Show.Value(v),
        };
        return op.Attributes is { Count: > 0 } a
            ? insert + "{" + string.Join(",", a.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + ":" + Show.Value(kv.Value))) + "}"
            : insert;
    }));
}

internal static class Check2
{
    /// <summary>Fails unless the two states agree; <paramref name="bytes"/> also requires equal update bytes.</summary>
    public static void Same(DocState expected, DocState actual, string what, bool bytes = true) =>
        Same(expected, actual, what, bytes, delta: bytes);

    /// <summary>
    /// Like <see cref="Same(DocState, DocState, string, bool)"/>; <paramref name="delta"/> false
    /// leaves formatting out, for docs whose clean-up transactions have not been exchanged yet
    /// (a clean-up run with pending data can remove a meaningful marker, as in yjs).
    /// </summary>
    public static void Same(DocState expected, DocState actual, string what, bool bytes, bool delta)
    {
        // Map key order is the replica's own integration order in Yjs too; see CanonicalJson.
        Equal(CanonicalJson.Of(expected.Json), CanonicalJson.Of(actual.Json), what + ": ToJson (keys sorted)");
        Equal(CanonicalJson.Of(expected.RootsJson), CanonicalJson.Of(actual.RootsJson), what + ": [text, array, map] ToJson (keys sorted)");
        if (delta)
        {
            Equal(expected.TextDelta, actual.TextDelta, what + ": text delta");
        }
        Equal(Hex(expected.StateVector), Hex(actual.StateVector), what + ": state vector");
        if (bytes)
        {
            SameUpdate(expected.Update, actual.Update, what + ": EncodeStateAsUpdate");
        }
    }

    /// <summary>
    /// Equal bytes, or — the one difference yjs itself produces — equal structs whose only
    /// difference is surrogate halves turned into U+FFFD inside deleted strings (gc off).
    /// </summary>
    public static void SameUpdate(byte[] expected, byte[] actual, string what)
    {
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return;
        }
        string e = UpdateSkeleton.Read(expected).Normalised();
        string a = UpdateSkeleton.Read(actual).Normalised();
        if (!string.Equals(e, a, StringComparison.Ordinal))
        {
            throw new XunitException($"{what} differs\n  expected: {Hex(expected)}\n  actual:   {Hex(actual)}\n  expected structs:\n{e}\n  actual structs:\n{a}");
        }
    }

    public static void Equal(string expected, string actual, string what)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw new XunitException($"{what} differs\n  expected: {expected}\n  actual:   {actual}");
        }
    }

    public static void True(bool condition, string what)
    {
        if (!condition)
        {
            throw new XunitException(what);
        }
    }

    /// <summary>
    /// Whether the document holds pending structs or deletes, seen through the public API only:
    /// its state update then carries structs or deleted ranges beyond its own state vector.
    /// </summary>
    public static bool HasPending(YDoc doc)
    {
        var sv = YUpdate.DecodeStateVector(doc.EncodeStateVector());
        var s = UpdateSkeleton.Read(doc.EncodeStateAsUpdate());
        long State(long client) => sv.TryGetValue(client, out var v) ? v : 0;
        return s.Structs.Any(x => x.Clock + x.Length > State(x.Client))
            || s.DeleteSet.Any(kv => kv.Value.Any(r => r.Clock + r.Len > State(kv.Key)));
    }

    /// <summary>Fails unless every client's clock in <paramref name="lower"/> is at most its clock in <paramref name="upper"/>.</summary>
    public static void StateVectorCovers(byte[] upper, byte[] lower, string what)
    {
        var up = YUpdate.DecodeStateVector(upper);
        foreach (var (client, clock) in YUpdate.DecodeStateVector(lower))
        {
            True(up.TryGetValue(client, out var c) && c >= clock, $"{what}: state vector {Hex(upper)} does not cover {Hex(lower)} (client {client})");
        }
    }

    public static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    /// <summary>The number of struct runs an update starts with (its first varUint).</summary>
    public static long RunCount(byte[] update)
    {
        long value = 0;
        for (int i = 0, shift = 0; i < update.Length; i++, shift += 7)
        {
            value |= (long)(update[i] & 0x7f) << shift;
            if (update[i] < 0x80)
            {
                return value;
            }
        }
        throw new XunitException("truncated varUint");
    }
}

/// <summary>
/// FsCheck configuration shared by the properties. <c>CRDT_PROP_SCALE</c> multiplies every test
/// count (a long run on demand); <c>CRDT_PROP_REPLAY=seed,gamma[,size]</c> replays a printed failure;
/// with <c>CI</c> set the sample is fixed (see <see cref="Quick"/>).
/// </summary>
internal static class PropConfig
{
    public static Config Quick(int maxTest)
    {
        double scale = double.TryParse(Environment.GetEnvironmentVariable("CRDT_PROP_SCALE"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : 1;
        var config = Config.QuickThrowOnFailure.WithMaxTest(Math.Max(1, (int)(maxTest * scale)));
        var replay = Environment.GetEnvironmentVariable("CRDT_PROP_REPLAY");
        if (!string.IsNullOrWhiteSpace(replay))
        {
            var parts = replay.Trim('(', ')', ' ').Split(',', StringSplitOptions.TrimEntries);
            var rnd = new Rnd(ulong.Parse(parts[0], CultureInfo.InvariantCulture), ulong.Parse(parts[1], CultureInfo.InvariantCulture));
            var size = parts.Length > 2 ? FSharpOption<int>.Some(int.Parse(parts[2], CultureInfo.InvariantCulture)) : FSharpOption<int>.None;
            config = config.WithReplay(FSharpOption<Replay>.Some(new Replay(rnd, size)));
        }
        else if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
        {
            // CI runs one fixed, reproducible sample: yjs itself can leave structs pending
            // forever in rare delivery orders (KnownYjsBehaviourTests), and a random seed would
            // make such a case an intermittent failure. Local runs keep exploring new seeds.
            config = config.WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(0x2545F4914F6CDD1DUL, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));
        }
        return config;
    }
}
