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
    private const int Keys = 50_000;

    public static long Run()
    {
        var set = new SortedSet<int>();
        var map = new Dictionary<int, int>();
        uint x = 2463534242;
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
