using System.Diagnostics;
using System.Globalization;
using System.Text;
using CrdtCollab.Property.Tests.Oracle;
using Xunit;
using Xunit.Abstractions;

namespace CrdtCollab.Property.Tests.Differential;

/// <summary>
/// Seeded random multi-peer sessions, half C# and half yjs peers, compared with the real yjs
/// (see README.md). CRDT_DIFF_SESSIONS (default 1000; 100000 for the long local run),
/// CRDT_DIFF_SEED (default: random, printed; fixed when CI is set), CRDT_DIFF_BUDGET_SECONDS (default 600: stop
/// starting new sessions after that, so CI stays within its time).
/// </summary>
[Collection(YjsCollection.Name)]
public sealed class DifferentialTests(YjsOracleFixture fixture, ITestOutputHelper output)
{
    private const int DefaultSessions = 1000;
    private const int DefaultBudgetSeconds = 600;
    private const int CiSeed = 20261122;
    private const int DetailedReports = 3;

    [Fact]
    public void Random_sessions_match_yjs() => RunSessions(oracleOnly: false, Env("CRDT_DIFF_SESSIONS", DefaultSessions));

    /// <summary>
    /// The harness against yjs alone (every peer and replay in the oracle): proves the session
    /// machinery, the op generator and the assumption that a live yjs peer equals a fresh yjs doc
    /// fed the same sequence, independently of the C# engine.
    /// </summary>
    [Fact]
    public void Harness_self_check_with_yjs_peers_only() => RunSessions(oracleOnly: true, Math.Min(100, Env("CRDT_DIFF_SESSIONS", DefaultSessions)));

    private void RunSessions(bool oracleOnly, int sessions)
    {
        var oracle = fixture.Oracle;
        var seed = DiffRunSettings.Seed(CiSeed);
        var budget = TimeSpan.FromSeconds(Env("CRDT_DIFF_BUDGET_SECONDS", DefaultBudgetSeconds));
        output.WriteLine($"{oracle.VersionLine}; seed {seed}; {sessions} sessions; {(oracleOnly ? "yjs peers only" : "C# and yjs peers")}");

        var sw = Stopwatch.StartNew();
        var trips = oracle.RoundTrips;
        var failed = new List<DiffSession>();
        long updates = 0, deliveries = 0, cleanups = 0, syncs = 0, csUpdates = 0, yjsDiverged = 0;
        var ran = 0;
        for (var i = 0; i < sessions; i++)
        {
            if (sw.Elapsed > budget)
            {
                output.WriteLine($"time budget {budget.TotalSeconds} s reached: stopped after {ran} sessions");
                break;
            }

            var session = new DiffSession(oracle, unchecked(seed + i), i, oracleOnly);
            session.Run();
            ran++;
            updates += session.UpdateCount;
            deliveries += session.Deliveries;
            cleanups += session.Cleanups;
            syncs += session.Syncs;
            csUpdates += session.CsUpdates;
            yjsDiverged += session.YjsDiverged ? 1 : 0;
            if (session.Failed)
            {
                failed.Add(session);
            }
        }

        output.WriteLine($"{ran} sessions, {updates} updates ({csUpdates} by C# peers, {cleanups} formatting cleanups, {syncs} partial syncs), "
            + $"{deliveries} deliveries, {oracle.RoundTrips - trips} oracle round trips, {sw.Elapsed.TotalSeconds:F1} s; {failed.Count} failing sessions"
            + (yjsDiverged > 0 ? $"; {yjsDiverged} sessions where yjs itself did not converge (not failures)" : ""));
        if (failed.Count == 0)
        {
            return;
        }

        var sb = new StringBuilder();
        sb.AppendLine($"{failed.Count} of {ran} sessions failed (base seed {seed}). Failing session seeds: {string.Join(", ", failed.Take(50).Select(f => f.Seed))}{(failed.Count > 50 ? ", …" : "")}");
        sb.AppendLine("Failure kinds (every failure of every failing session, numbers masked):");
        foreach (var g in failed.SelectMany(f => f.Failures.Select(Kind).Distinct()).GroupBy(k => k).OrderByDescending(g => g.Count()))
        {
            sb.AppendLine($"  {g.Count(),5} × {g.Key}");
        }

        sb.AppendLine("First failure of each failing session:");
        foreach (var f in failed.Take(20))
        {
            sb.AppendLine($"  seed {f.Seed}: {FirstLine(f.Failures[0])}");
        }

        foreach (var f in failed.Take(DetailedReports))
        {
            sb.AppendLine().Append(f.Report());
        }

        output.WriteLine(sb.ToString());
        Assert.Fail(sb.ToString());
    }

    private static string FirstLine(string s)
    {
        var i = s.IndexOf('\n', StringComparison.Ordinal);
        var line = i < 0 ? s : s[..i];
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    private static string Kind(string failure)
    {
        var line = FirstLine(failure);
        var cut = line.IndexOfAny(['[', '(']);
        line = cut > 0 ? line[..cut] : line;
        return System.Text.RegularExpressions.Regex.Replace(line, "[0-9]+", "#").Trim();
    }

    private static int Env(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;
}
