using System.Diagnostics;
using System.Runtime.InteropServices;
using Perfolizer.Horology;

namespace CrdtCollab.Benchmarks.Gate;

/// <summary>
/// A BenchmarkDotNet clock that reads the process's CPU time instead of the wall clock, so time the
/// benchmark spends descheduled on a busy machine does not count. On a loaded 2-core runner wall
/// times of one unmodified benchmark varied by several times between runs; CPU time still sees
/// cache pollution and frequency changes, which the calibration ratio absorbs. It counts every
/// thread of the process, so background GC work stays in the measurement. Linux uses
/// <c>clock_gettime(CLOCK_PROCESS_CPUTIME_ID)</c> (nanoseconds); elsewhere
/// <see cref="Process.TotalProcessorTime"/>.
/// </summary>
internal sealed class CpuTimeClock : IClock
{
    public static readonly CpuTimeClock Instance = new();

    private const int ClockProcessCpuTimeId = 2;
    private const int ClockThreadCpuTimeId = 3;

    private static readonly bool UseClockGettime = OperatingSystem.IsLinux();

    public string Title => "CPU time (process)";

    public bool IsAvailable => true;

    public Frequency Frequency => UseClockGettime ? Frequency.GHz : new Frequency(TimeSpan.TicksPerSecond);

    public long GetTimestamp() => Now();

    /// <summary>The process's CPU time in this clock's units.</summary>
    public static long Now()
    {
        if (UseClockGettime)
        {
            ClockGettime(ClockProcessCpuTimeId, out var ts);
            return (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
        }

        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime.Ticks;
    }

    // A blittable out-struct and no string marshalling: the classic declaration needs no unsafe code.
    /// <summary>The calling thread's CPU time in milliseconds, or null off Linux.</summary>
    public static double? ThreadMilliseconds()
    {
        if (!UseClockGettime)
        {
            return null;
        }

        ClockGettime(ClockThreadCpuTimeId, out var ts);
        return (ts.Seconds * 1e3) + (ts.Nanoseconds / 1e6);
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int ClockGettime(int clockId, out Timespec ts);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
