using System.Globalization;

namespace CrdtCollab.Benchmarks.Modes;

/// <summary>
/// The 1/5/15-minute load averages from <c>/proc/loadavg</c>, recorded next to every measurement:
/// on this shared 2-core machine they say whether a figure came from a quiet or a busy moment.
/// </summary>
internal static class LoadAverage
{
    /// <summary>[1m, 5m, 15m], or null where <c>/proc/loadavg</c> is missing or unreadable.</summary>
    public static double[]? Read()
    {
        try
        {
            if (!File.Exists("/proc/loadavg"))
            {
                return null;
            }

            return [.. File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(s => double.Parse(s, CultureInfo.InvariantCulture))];
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static string Text() => Read() is { } l ? string.Join(' ', l.Select(x => x.ToString("F2", CultureInfo.InvariantCulture))) : "n/a";
}
