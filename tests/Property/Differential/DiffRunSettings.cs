using System.Globalization;

namespace CrdtCollab.Property.Tests.Differential;

/// <summary>
/// How many random sessions a differential suite runs and from which seed, read the same way by
/// every suite: CI runs a fixed, reproducible sample (an intermittent failure could not be told
/// from a regression); local runs draw a new seed each time and print it; CRDT_DIFF_SEED replays.
/// </summary>
internal static class DiffRunSettings
{
    /// <summary>CRDT_DIFF_SEED, else <paramref name="ciSeed"/> when CI is set, else a random seed.</summary>
    public static int Seed(int ciSeed) =>
        Environment.GetEnvironmentVariable("CRDT_DIFF_SEED") is { Length: > 0 } s
            ? int.Parse(s, CultureInfo.InvariantCulture)
            : Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ? ciSeed : Random.Shared.Next();

    /// <summary>The suite's own variable, else (when <paramref name="followsDiffSessions"/>) CRDT_DIFF_SESSIONS, else the default.</summary>
    public static int Sessions(string suiteVariable, int defaultSessions, bool followsDiffSessions = false) =>
        int.TryParse(Environment.GetEnvironmentVariable(suiteVariable), out var n) ? n
            : followsDiffSessions && int.TryParse(Environment.GetEnvironmentVariable("CRDT_DIFF_SESSIONS"), out n) ? n
            : defaultSessions;

    /// <summary>Every 1,000 sessions, appends a line to CRDT_DIFF_PROGRESS when set: a long run's test output appears only at its end.</summary>
    public static void ReportProgress(string suite, int sessionsDone, int failing)
    {
        if (sessionsDone % 1000 == 0 && Environment.GetEnvironmentVariable("CRDT_DIFF_PROGRESS") is { Length: > 0 } progress)
        {
            File.AppendAllText(progress, FormattableString.Invariant($"{DateTime.UtcNow:HH:mm:ss} {suite}: {sessionsDone} sessions, {failing} failing\n"));
        }
    }
}
