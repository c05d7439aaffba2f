using FsCheck;
using FsCheck.Fluent;

namespace CrdtCollab.Property.Tests.Properties;

/// <summary>
/// A session plus random choices about its update log: <c>Keys</c> give a permutation (sort by
/// key) and a subset (keys divisible by 4 are left out), <c>Cut</c> a split point, <c>Pick</c> one entry.
/// </summary>
public sealed record SessionCase(Session Session, IReadOnlyList<int> Keys, int Cut, int Pick)
{
    private int Key(int i) => i < Keys.Count ? Keys[i] : i;

    public int[] Order(int n) => Enumerable.Range(0, n).OrderBy(Key).ThenBy(i => i).ToArray();

    public int[] Subset(int n) => Order(n).Where(i => Key(i) % 4 != 0).ToArray();

    public int[] Rest(int n) => Enumerable.Range(0, n).Where(i => Key(i) % 4 == 0).ToArray();

    public override string ToString() => $"{Session}\n  keys: [{string.Join(", ", Keys)}], cut: {Cut}, pick: {Pick}";

    public static Arbitrary<SessionCase> Arbitrary(int maxReplicas = 4, int maxSteps = 40)
    {
        var gen = from s in ScriptGen.Session(gc: true, maxReplicas: maxReplicas, maxSteps: maxSteps)
                  from gc in Gen.Elements(true, false)
                  from keys in Gen.Choose(0, 1000).ArrayOf(48)
                  from cut in Gen.Choose(0, 1000)
                  from pick in Gen.Choose(0, 1000)
                  select new SessionCase(s with { Gc = gc }, keys, cut, pick);
        return Arb.From(gen, c =>
            ScriptGen.Shrink(c.Session).Select(s => c with { Session = s })
                .Concat(c.Keys.Any(k => k != 1) ? [c with { Keys = c.Keys.Select(_ => 1).ToList() }] : []));
    }
}
