using System.Globalization;

namespace CrdtCollab.Benchmarks.Modes;

/// <summary>Number formatting shared by the modes' Markdown output (the same rules as benchmarks/peers/run.mjs).</summary>
internal static class Format
{
    public static string Ms(double ms) =>
        ms.ToString(ms >= 100 ? "F0" : ms >= 10 ? "F1" : "F2", CultureInfo.InvariantCulture);

    public static string Bytes(double b) =>
        b >= 1 << 20 ? $"{(b / (1 << 20)).ToString("F2", CultureInfo.InvariantCulture)} MiB"
        : b >= 1024 ? $"{(b / 1024).ToString("F1", CultureInfo.InvariantCulture)} KiB"
        : $"{b.ToString("F0", CultureInfo.InvariantCulture)} B";

    public static string Ratio(double r) => r.ToString(r >= 10 ? "F0" : "F2", CultureInfo.InvariantCulture) + "×";

    public static double Median(IReadOnlyList<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[(s.Length / 2) - 1] + s[s.Length / 2]) / 2;
    }

    /// <summary>The CPU model as the OS reports it, for result headers.</summary>
    public static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line is not null)
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }

        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }

    public static string Machine() =>
        $"{CpuModel()}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
        $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}";
}
