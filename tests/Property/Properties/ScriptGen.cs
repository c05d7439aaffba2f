using FsCheck;
using FsCheck.Fluent;

namespace CrdtCollab.Property.Tests.Properties;

/// <summary>FsCheck generators and shrinkers for editing scripts.</summary>
internal static class ScriptGen
{
    // Small alphabets make concurrent edits collide: same positions, same keys, same attributes.
    private static readonly string[] Pieces = ["a", "b", "c", "xy", "\n", "é", "😀", "𝄞", "中文", " ", "👍🏽"];
    private static readonly string[] Keys = ["k0", "k1", "k2", "a"];
    private static readonly string[] AttrKeys = ["bold", "italic", "href"];

    public static Gen<long> ClientId =>
        Gen.Frequency(
            (6, Gen.Choose(0, int.MaxValue).Select(i => (long)i)),
            (2, Gen.Choose(0, 9).Select(i => (long)i)),
            (1, Gen.Choose(0, int.MaxValue).Select(i => 0x1_0000_0000L + i)),
            (1, Gen.Elements(uint.MaxValue - 1L, uint.MaxValue, (1L << 53) - 1)));

    public static Gen<string> Text =>
        Gen.Choose(1, 4).SelectMany(n => Gen.Elements(Pieces).ArrayOf(n)).Select(p => string.Concat(p));

    public static Gen<Prim> Plain =>
        Gen.Elements<object?>(
            null, true, false, 0L, 42L, -7L, 1L << 40, (1L << 53) - 1, 1.5, 0.1, -0.0, double.NaN,
            "", "x", "é😀", "\n")
        .Select(v => new Prim(v))
        .Or(Gen.Choose(0, 3).Select(n => new Prim(Enumerable.Range(0, n).Select(i => (byte)(i * 85)).ToArray())))
        .Or(Gen.Constant(new Prim(new List<object?> { 1L, "s", null, new List<object?>() })))
        .Or(Gen.Constant(new Prim(new Dictionary<string, object?> { ["a"] = 1L, ["b"] = new Dictionary<string, object?> { ["c"] = false } })));

    private static Gen<Val> Value(int depth)
    {
        var plain = Plain.Select(p => (Val)p);
        if (depth <= 0)
        {
            return plain;
        }
        var map = Gen.Choose(0, 2).SelectMany(n =>
            Gen.Zip(Gen.Elements(Keys), Value(depth - 1)).ArrayOf(n)
                .Select(kvs => (Val)new NewMap(kvs.DistinctBy(kv => kv.Item1).Select(kv => new KeyValuePair<string, Val>(kv.Item1, kv.Item2)).ToList())));
        var array = Gen.Choose(0, 2).SelectMany(n => Value(depth - 1).ArrayOf(n).Select(vs => (Val)new NewArray(vs)));
        var text = Gen.Choose(0, 1).SelectMany(n => n == 0 ? Gen.Constant("") : Text).Select(s => (Val)new NewText(s));
        return Gen.Frequency((6, plain), (2, map), (2, array), (2, text));
    }

    public static Gen<Val> Values => Value(2);

    private static Gen<Attr> AttrGen =>
        Gen.Zip(Gen.Elements(AttrKeys), Gen.Elements<object?>(true, null, "x", 1L)).Select(t => new Attr(t.Item1, t.Item2));

    private static Gen<int> Target => Gen.Frequency((3, Gen.Constant(0)), (2, Gen.Choose(1, 6)));

    private static Gen<int> Pos => Gen.Choose(0, 40);

    private static Gen<int> Len => Gen.Frequency((4, Gen.Choose(1, 3)), (1, Gen.Choose(1, 12)));

    public static Gen<Op> Op(bool format = true)
    {
        var ops = new List<(int, Gen<Op>)>
        {
            (5, from t in Target from p in Pos from s in Text select (Op)new TextInsert(t, p, s, null)),
            (1, from t in Target from p in Pos from s in Text from a in AttrGen select (Op)new TextInsert(t, p, s, a)),
            (1, from t in Target from p in Pos select (Op)new TextEmbed(t, p, new Prim(new Dictionary<string, object?> { ["img"] = "i.png" }))),
            (3, from t in Target from p in Pos from l in Len select (Op)new TextDelete(t, p, l)),
            (4, from t in Target from p in Gen.Choose(-1, 40) from n in Gen.Choose(1, 3) from vs in Values.ArrayOf(n) select (Op)new ArrayInsert(t, p, vs)),
            (2, from t in Target from p in Pos from l in Len select (Op)new ArrayDelete(t, p, l)),
            (4, from t in Target from k in Gen.Elements(Keys) from v in Values select (Op)new MapSet(t, k, v)),
            (1, from t in Target from k in Gen.Elements(Keys) select (Op)new MapDelete(t, k)),
        };
        if (format)
        {
            ops.Add((2, from t in Target from p in Pos from l in Len from a in AttrGen select (Op)new TextFormat(t, p, l, a)));
        }
        return Gen.Frequency(ops.ToArray());
    }

    public static Gen<Step> Step(int replicas) =>
        Gen.Frequency(
            (5, from r in Gen.Choose(0, replicas - 1)
                from n in Gen.Frequency((5, Gen.Constant(1)), (1, Gen.Choose(2, 3)))
                from ops in Op().ArrayOf(n)
                select (Step)new Edit(r, ops)),
            (4, from r in Gen.Choose(0, replicas - 1)
                from k in Gen.Choose(0, 30)
                from dup in Gen.Frequency((6, Gen.Constant(false)), (1, Gen.Constant(true)))
                select (Step)new Deliver(r, k, dup)));

    /// <summary>Sessions of <paramref name="minReplicas"/>–<paramref name="maxReplicas"/> replicas with distinct client ids.</summary>
    public static Gen<Session> Session(bool gc, int minReplicas = 2, int maxReplicas = 5, int maxSteps = 60) =>
        Gen.Sized(size =>
            from n in Gen.Choose(minReplicas, maxReplicas)
            from ids in ClientId.ArrayOf(n).Where(a => a.Distinct().Count() == a.Length)
            from count in Gen.Choose(1, Math.Max(2, Math.Min(maxSteps, size * maxSteps / 50)))
            from steps in Step(n).ArrayOf(count)
            from seed in Gen.Choose(0, 1_000_000)
            select new Session(ids, gc, steps, seed));

    /// <summary>Shrinks by dropping steps (halves, then quarters, then one at a time), then replicas, then op detail.</summary>
    public static IEnumerable<Session> Shrink(Session s)
    {
        int n = s.Steps.Count;
        for (int chunk = n / 2; chunk >= 1; chunk /= 2)
        {
            for (int start = 0; start + chunk <= n; start += chunk)
            {
                yield return s with { Steps = s.Steps.Take(start).Concat(s.Steps.Skip(start + chunk)).ToList() };
            }
        }
        if (s.Clients.Count > 2)
        {
            yield return s with { Clients = s.Clients.Take(s.Clients.Count - 1).ToList() };
        }
        if (s.FlushSeed != 0)
        {
            yield return s with { FlushSeed = 0 };
        }
        for (int i = 0; i < n; i++)
        {
            foreach (var simpler in ShrinkStep(s.Steps[i]))
            {
                var steps = s.Steps.ToList();
                steps[i] = simpler;
                yield return s with { Steps = steps };
            }
        }
    }

    private static IEnumerable<Step> ShrinkStep(Step step)
    {
        switch (step)
        {
            case Edit { Ops.Count: > 1 } e:
                foreach (var op in e.Ops)
                {
                    yield return e with { Ops = [op] };
                }
                break;
            case Edit { Ops: [var op] } e:
                foreach (var o in ShrinkOp(op))
                {
                    yield return e with { Ops = [o] };
                }
                break;
            case Deliver { Duplicate: true } d:
                yield return d with { Duplicate = false };
                break;
            case Deliver { Pick: > 0 } d:
                yield return d with { Pick = 0 };
                break;
        }
    }

    private static IEnumerable<Op> ShrinkOp(Op op)
    {
        if (op.Target != 0)
        {
            yield return op with { Target = 0 };
        }
        switch (op)
        {
            case TextInsert { Text.Length: > 1 } i:
                yield return i with { Text = "a" };
                break;
            case ArrayInsert { Values.Count: > 1 } a:
                yield return a with { Values = [a.Values[0]] };
                break;
            case ArrayInsert { Values: [not Prim] } a:
                yield return a with { Values = [new Prim(1L)] };
                break;
            case MapSet { Value: not Prim } m:
                yield return m with { Value = new Prim(1L) };
                break;
        }
    }

    public static Arbitrary<Session> Sessions(bool gc, int minReplicas = 2, int maxReplicas = 5, int maxSteps = 60) =>
        Arb.From(Session(gc, minReplicas, maxReplicas, maxSteps), Shrink);
}
