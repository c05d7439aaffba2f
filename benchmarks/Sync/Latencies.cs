using System.Diagnostics;

namespace CrdtCollab.Benchmarks.Sync;

/// <summary>A bounded, lock-free recorder of latencies in milliseconds; samples past capacity are counted, not kept.</summary>
internal sealed class Latencies(int capacity)
{
    private readonly double[] _samples = new double[capacity];
    private int _count;

    public int Count => Math.Min(Volatile.Read(ref _count), _samples.Length);

    public int Dropped => Math.Max(0, Volatile.Read(ref _count) - _samples.Length);

    public void RecordSince(long startTimestamp) => Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds);

    public void Record(double ms)
    {
        int i = Interlocked.Increment(ref _count) - 1;
        if (i < _samples.Length)
        {
            _samples[i] = ms;
        }
    }

    public Summary Summarize()
    {
        var s = _samples.AsSpan(0, Count).ToArray();
        Array.Sort(s);
        double At(double q) => s.Length == 0 ? double.NaN : s[Math.Min(s.Length - 1, (int)Math.Ceiling(q * s.Length) - 1)];
        return new Summary(s.Length, At(0.50), At(0.99), At(0.999), s.Length == 0 ? double.NaN : s[^1], s.Length == 0 ? double.NaN : s.Average());
    }

    internal sealed record Summary(int Count, double P50, double P99, double P999, double Max, double Mean);
}
