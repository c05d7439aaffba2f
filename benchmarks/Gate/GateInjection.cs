namespace CrdtCollab.Benchmarks.Gate;

/// <summary>
/// The gate's self-test hook: <c>CRDT_GATE_INJECT=slow2x</c> makes every gated method take twice
/// as long on the gate's clock (a spin for as much CPU time as the real work took, so allocations
/// are unchanged);
/// <c>CRDT_GATE_INJECT=alloc20</c> allocates an extra 20% of what the real work allocated (in
/// small arrays, so time barely moves). It lives in the benchmark harness only, never in
/// <c>src/Crdt</c>; unset, <see cref="End"/> is one predictable branch.
/// </summary>
internal static class GateInjection
{
    public const string Variable = "CRDT_GATE_INJECT";

    private const int ChunkBytes = 4096;

    private static readonly string Mode = Environment.GetEnvironmentVariable(Variable) ?? "";
    private static readonly bool Slow = Mode == "slow2x";
    private static readonly bool Alloc = Mode == "alloc20";

    // Keeps the injected arrays observable so the JIT cannot drop the allocations.
    private static byte[]? _sink;

    public static string Description => Slow || Alloc ? Mode : "none";

    public static Probe Begin() =>
        Slow || Alloc ? new Probe(CpuTimeClock.Now(), GC.GetAllocatedBytesForCurrentThread()) : default;

    public static void End(Probe probe)
    {
        if (!(Slow || Alloc))
        {
            return;
        }

        if (Slow)
        {
            var spent = CpuTimeClock.Now() - probe.Timestamp;
            var until = probe.Timestamp + (2 * spent);
            while (CpuTimeClock.Now() < until)
            {
                Thread.SpinWait(16);
            }
        }
        else
        {
            var extra = (GC.GetAllocatedBytesForCurrentThread() - probe.AllocatedBytes) / 5;
            for (long done = 0; done < extra; done += ChunkBytes + 24)
            {
                _sink = new byte[ChunkBytes];
            }
        }
    }

    internal readonly record struct Probe(long Timestamp, long AllocatedBytes);
}
