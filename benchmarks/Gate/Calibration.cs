namespace CrdtCollab.Benchmarks.Gate;

/// <summary>
/// The gate's reference workload: fixed, deterministic, independent of our code, and built from
/// the same ingredients as a CRDT replay — small objects in a balanced tree (allocation, pointer
/// chasing, unpredictable compares) and hash-table probes. Every gated time is divided by this one
/// measured in the same run, which cancels the machine's speed and slow drifts in background load
/// (see benchmarks/README.md, "Regression gate"). A tighter, allocation-free reference (a sort
/// plus a random walk through 2 MiB) was tried and moved twice as much under load: it is far more
/// cache-bound than our code.
/// </summary>
internal static class Calibration
{
    // Small sets rebuilt many times rather than one large one: a working set of ~200 KB stays in
    // L2, like the hot part of a replay. One 50,000-key set (2.4 MB) reacted to a cache-thrashing
    // neighbour far more than our benchmarks did, so the ratio drifted with the machine's load.
    private const int Keys = 4_000;
    private const int Repeats = 12;

    public static long Run()
    {
        long acc = 0;
        for (var r = 0; r < Repeats; r++)
        {
            acc += Once((uint)(2463534242 + r));
        }

        return acc;
    }

    private static long Once(uint x)
    {
        var set = new SortedSet<int>();
        var map = new Dictionary<int, int>();
        for (var i = 0; i < Keys; i++)
        {
            // xorshift32: the same key sequence on every run and machine.
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            var k = (int)(x & 0x3FFFFFFF);
            set.Add(k);
            if ((i & 3) == 0)
            {
                map[k] = i;
            }
        }

        long acc = 0;
        foreach (var k in set)
        {
            acc += map.TryGetValue(k, out var v) ? v : k & 1;
        }

        return acc;
    }
}
