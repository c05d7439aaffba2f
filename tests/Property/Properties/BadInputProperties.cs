using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using Xunit.Sdk;

namespace CrdtCollab.Property.Tests.Properties;

public enum MutationKind
{
    FlipBit,
    SetByte,
    SetFF,
    SetZero,
    Increment,
    Decrement,
    InsertBytes,
    DeleteRange,
    Truncate,
    DuplicateRange,
    InsertVarintFF,
}

/// <summary>One byte-level damage; positions and lengths are taken modulo the input size.</summary>
public sealed record Mutation(MutationKind Kind, int Pos, int Len, byte Value)
{
    public byte[] Apply(byte[] input)
    {
        var b = input.ToList();
        int n = Math.Max(1, b.Count);
        int p = Pos % n;
        switch (Kind)
        {
            case MutationKind.FlipBit when b.Count > 0:
                b[p] ^= (byte)(1 << (Value % 8));
                break;
            case MutationKind.SetByte when b.Count > 0:
                b[p] = Value;
                break;
            case MutationKind.SetFF when b.Count > 0:
                b[p] = 0xff;
                break;
            case MutationKind.SetZero when b.Count > 0:
                b[p] = 0;
                break;
            case MutationKind.Increment when b.Count > 0:
                b[p]++;
                break;
            case MutationKind.Decrement when b.Count > 0:
                b[p]--;
                break;
            case MutationKind.InsertBytes:
                b.InsertRange(Math.Min(p, b.Count), Enumerable.Range(0, 1 + (Len % 4)).Select(i => (byte)(Value + (i * 37))));
                break;
            case MutationKind.DeleteRange when b.Count > 0:
                b.RemoveRange(p, Math.Min(1 + (Len % 8), b.Count - p));
                break;
            case MutationKind.Truncate:
                b.RemoveRange(Math.Min(p, b.Count), b.Count - Math.Min(p, b.Count));
                break;
            case MutationKind.DuplicateRange when b.Count > 0:
                b.InsertRange(p, b.GetRange(p, Math.Min(1 + (Len % 16), b.Count - p)));
                break;
            case MutationKind.InsertVarintFF:
                // A long varUint run: huge lengths, counts and clocks.
                b.InsertRange(Math.Min(p, b.Count), Enumerable.Repeat((byte)0xff, 1 + (Len % 10)).Append((byte)(Value & 0x7f)));
                break;
        }
        return [.. b];
    }

    public override string ToString() => $"{Kind}@{Pos}/{Len}/{Value:x2}";
}

/// <summary>Which valid update to damage (modulo the session's candidates) and how.</summary>
public sealed record Mutant(int Source, IReadOnlyList<Mutation> Mutations)
{
    public override string ToString() => $"source #{Source}: " + string.Join(", ", Mutations);
}

/// <summary>A session supplies valid updates and a document; every mutant is applied to a copy of it.</summary>
public sealed record MutationCase(Session Session, int Prefix, IReadOnlyList<Mutant> Mutants)
{
    public override string ToString() => $"{Session}\n  base doc: first {Prefix} (mod n+1) log updates\n  {Mutants.Count} mutants" +
        (Mutants.Count <= 3 ? ": " + string.Join("; ", Mutants) : "");
}

/// <summary>
/// Hostile input: damaged updates either raise <see cref="UpdateFormatException"/> and leave the
/// document exactly as it was (and announce nothing), or apply and leave a consistent document.
/// Any other exception, or an apply that does not finish, is a failure reported with the input.
/// </summary>
public sealed class BadInputProperties
{
    private const int MutantsPerCase = 100;
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    private static int TotalMutants =>
        int.TryParse(Environment.GetEnvironmentVariable("CRDT_MUTATION_CASES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 10_000;

    [Fact]
    public void Damaged_updates_are_rejected_atomically_or_leave_a_consistent_document()
    {
        int cases = (TotalMutants + MutantsPerCase - 1) / MutantsPerCase;
        // Exact count, not scaled by CRDT_PROP_SCALE: CRDT_MUTATION_CASES is the knob here.
        var config = PropConfig.Quick(1).WithMaxTest(cases);
        int applied = 0, rejected = 0;
        Check.One(config, Prop.ForAll(Cases(), c =>
        {
            var (a, r) = RunCase(c);
            applied += a;
            rejected += r;
        }));
        Assert.True(applied + rejected >= TotalMutants, $"only {applied + rejected} mutated updates were tried");
        // Both outcomes must actually be exercised, or the mutations are too weak or too strong.
        Assert.True(rejected > 0 && applied > 0, $"applied {applied}, rejected {rejected}");
    }

    private static (int Applied, int Rejected) RunCase(MutationCase c)
    {
        var run = new SessionRunner(c.Session).RunSteps();
        var log = run.Log.Select(s => s.Update).ToList();
        var sources = new List<byte[]>(log) { YUpdate.MergeUpdates(log) };
        sources.AddRange(run.Docs.Select(d => d.EncodeStateAsUpdate()));
        sources.Add(run.Docs[0].EncodeStateAsUpdate(run.Docs[^1].EncodeStateVector()));
        // The same updates in format V2 (the second half of the candidates), applied with ApplyUpdateV2.
        int v1Sources = sources.Count;
        sources.AddRange(sources.Select(u => YUpdate.ConvertUpdateFormatV1ToV2(u)).ToList());
        sources.Add(run.Docs[0].EncodeStateAsUpdateV2(run.Docs[^1].EncodeStateVector()));

        var baseDoc = SessionRunner.NewDoc(c.Session.Gc, 777_001);
        foreach (var u in log.Take(c.Prefix % (log.Count + 1)))
        {
            baseDoc.ApplyUpdate(u);
        }
        var baseState = baseDoc.EncodeStateAsUpdate();

        int applied = 0, rejected = 0;
        foreach (var m in c.Mutants)
        {
            int source = m.Source % sources.Count;
            var input = m.Mutations.Aggregate(sources[source], (b, mu) => mu.Apply(b));
            if (TryOne(c.Session.Gc, baseState, input, m, v2: source >= v1Sources))
            {
                applied++;
            }
            else
            {
                rejected++;
            }
        }
        return (applied, rejected);
    }

    /// <summary>Returns whether the input applied (true) or was rejected (false); throws on any violation.</summary>
    private static bool TryOne(bool gc, byte[] baseState, byte[] input, Mutant m, bool v2)
    {
        var doc = SessionRunner.NewDoc(gc, 777_002);
        doc.ApplyUpdate(baseState);
        var before = DocState.Of(doc);
        int announced = 0;
        doc.UpdateV1 += (_, _) => announced++;

        string Context() => $"\n  mutant: {m} ({(v2 ? "V2" : "V1")})\n  input:  {Check2.Hex(input)}\n  doc (gc {gc}) state: {Check2.Hex(baseState)}";

        // The doc-less operations of the input's format may only reject it with UpdateFormatException.
        DoclessOnly(v2, input, Context);

        var task = Task.Run(() =>
        {
            if (v2)
            {
                doc.ApplyUpdateV2(input);
            }
            else
            {
                doc.ApplyUpdate(input);
            }
        });
        bool finished;
        try
        {
            finished = task.Wait(HangLimit);
        }
        catch (AggregateException e) when (e.InnerException is UpdateFormatException)
        {
            var after = Guarded(() => DocState.Of(doc), "reading the doc after a rejected update", Context);
            Check2.Same(before, after, "rejected update changed the doc" + Context());
            Check2.True(announced == 0, "rejected update emitted an update event" + Context());
            return false;
        }
        catch (AggregateException e)
        {
            var inner = e.InnerException!;
            throw new XunitException($"ApplyUpdate threw {inner.GetType().Name} (only UpdateFormatException is allowed): {inner.Message}{Context()}\n{inner.StackTrace}");
        }
        if (!finished)
        {
            throw new XunitException($"ApplyUpdate did not finish within {HangLimit.TotalSeconds} s{Context()}");
        }

        // Accepted: the doc must still be a consistent document.
        var state = Guarded(() => DocState.Of(doc), "reading the doc after an accepted update", Context);
        var fresh = SessionRunner.NewDoc(gc, 777_003);
        Guarded(() => { fresh.ApplyUpdate(state.Update); return 0; }, "re-applying the doc's own state to a fresh doc", Context);
        var freshState = Guarded(() => DocState.Of(fresh), "reading the fresh doc", Context);
        Check2.StateVectorCovers(freshState.StateVector, state.StateVector, "fresh doc fed the state of the damaged doc" + Context());
        if (!Check2.HasPending(doc))
        {
            Check2.Equal(CanonicalJson.Of(state.Json), CanonicalJson.Of(freshState.Json), "fresh doc fed the state of the damaged doc: ToJson" + Context());
        }
        return true;
    }

    private static void DoclessOnly(bool v2, byte[] input, Func<string> context)
    {
        Action[] ops = v2
            ? [() => YUpdate.ConvertUpdateFormatV2ToV1(input), () => YUpdate.EncodeStateVectorFromUpdateV2(input), () => YUpdate.MergeUpdatesV2([input, YUpdate.EmptyV2.ToArray()])]
            : [() => YUpdate.ConvertUpdateFormatV1ToV2(input)];
        foreach (var op in ops)
        {
            var task = Task.Run(op);
            try
            {
                if (!task.Wait(HangLimit))
                {
                    throw new XunitException($"a doc-less operation did not finish within {HangLimit.TotalSeconds} s{context()}");
                }
            }
            catch (AggregateException e) when (e.InnerException is UpdateFormatException)
            {
            }
            catch (AggregateException e)
            {
                var inner = e.InnerException!;
                throw new XunitException($"doc-less operation threw {inner.GetType().Name} (only UpdateFormatException is allowed): {inner.Message}{context()}\n{inner.StackTrace}");
            }
        }
    }

    private static T Guarded<T>(Func<T> f, string what, Func<string> context)
    {
        try
        {
            return f();
        }
        catch (Exception e) when (e is not XunitException)
        {
            throw new XunitException($"{what} threw {e.GetType().Name}: {e.Message}{context()}\n{e.StackTrace}");
        }
    }

    private static Arbitrary<MutationCase> Cases()
    {
        var mutation = from k in Gen.Elements(Enum.GetValues<MutationKind>())
                       from p in Gen.Choose(0, 10_000)
                       from l in Gen.Choose(0, 100)
                       from v in Gen.Choose(0, 255)
                       select new Mutation(k, p, l, (byte)v);
        var mutant = from s in Gen.Choose(0, 1000)
                     from n in Gen.Frequency((6, Gen.Constant(1)), (3, Gen.Choose(2, 3)))
                     from ms in mutation.ArrayOf(n)
                     select new Mutant(s, ms);
        var gen = from s in ScriptGen.Session(gc: true, maxReplicas: 3, maxSteps: 25)
                  from gc in Gen.Elements(true, false)
                  from prefix in Gen.Choose(0, 1000)
                  from mutants in mutant.ArrayOf(MutantsPerCase)
                  select new MutationCase(s with { Gc = gc }, prefix, mutants);
        return Arb.From(gen, c =>
            (c.Mutants.Count > 1 ? c.Mutants.Select(m => c with { Mutants = [m] }) : [])
                .Concat(ScriptGen.Shrink(c.Session).Select(s => c with { Session = s })));
    }
}
