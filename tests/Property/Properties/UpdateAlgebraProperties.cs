using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace CrdtCollab.Property.Tests.Properties;

/// <summary>
/// Algebraic laws of updates: apply is idempotent and commutative, merging commutes with
/// applying, state round-trips through a fresh document, and diffs carry exactly what is missing.
/// Every case starts from a random multi-replica session and uses its update log.
/// </summary>
public sealed class UpdateAlgebraProperties
{
    /// <summary>The session's log plus each replica's full state (which can carry pending data).</summary>
    private static List<byte[]> Candidates(SessionRunner run) =>
        [.. run.Log.Select(s => s.Update), .. run.Docs.Select(d => d.EncodeStateAsUpdate())];

    private static Peer Replay(bool gc, long client, IEnumerable<byte[]> updates)
    {
        var p = new Peer(gc, client);
        foreach (var u in updates)
        {
            p.Receive(u);
        }
        return p;
    }

    [CrdtProperty(200)]
    public FsCheck.Property Applying_an_update_twice_equals_applying_it_once() =>
        Prop.ForAll(SessionCase.Arbitrary(), c =>
        {
            var run = new SessionRunner(c.Session).RunSteps();
            var all = Candidates(run);
            var log = run.Log.Select(s => s.Update).ToList();
            var baseUpdates = c.Subset(log.Count).Select(i => log[i]).ToList();
            var u = all[c.Pick % all.Count];

            var once = Replay(c.Session.Gc, 900_001, baseUpdates);
            once.Receive(u);
            var twice = Replay(c.Session.Gc, 900_001, baseUpdates);
            twice.Receive(u);
            var afterFirst = DocState.Of(twice.Doc);
            twice.Receive(u);

            Check2.Same(afterFirst, DocState.Of(twice.Doc), "second apply changed the doc");
            Check2.Same(DocState.Of(once.Doc), DocState.Of(twice.Doc), "applied once vs twice");
        });

    [CrdtProperty(200)]
    public FsCheck.Property Two_independent_updates_commute() =>
        Prop.ForAll(ForkCases(), c =>
        {
            // Two replicas fork from a common state and edit independently; u1 and u2 are what
            // each added. Applying them to the common state in either order gives the same doc.
            var run = SessionRunner.Run(c.Base.Session);
            var common = run.Docs[0].EncodeStateAsUpdate();
            var sv = run.Docs[0].EncodeStateVector();
            byte[] Fork(long client, IReadOnlyList<Op> ops)
            {
                var p = Replay(c.Base.Session.Gc, client, [common]);
                foreach (var op in ops)
                {
                    p.Doc.Transact(_ => SessionRunner.Execute(p.Doc, op));
                }
                return p.Doc.EncodeStateAsUpdate(sv);
            }
            var u1 = Fork(c.Client1, c.Ops1);
            var u2 = Fork(c.Client2, c.Ops2);

            var d12 = Replay(c.Base.Session.Gc, 900_002, [common, u1, u2]);
            var d21 = Replay(c.Base.Session.Gc, 900_002, [common, u2, u1]);
            Check2.Same(DocState.Of(d12.Doc), DocState.Of(d21.Doc), "u1;u2 vs u2;u1 (before exchanging clean-ups)", bytes: false);
            // Text formatting clean-up runs as a local transaction after a remote one and depends
            // on arrival order (see Peer); once those are exchanged, everything must agree.
            Peer.ExchangeOwnUpdates(d12, d21);
            Check2.Same(DocState.Of(d12.Doc), DocState.Of(d21.Doc), "u1;u2 vs u2;u1");
        });

    public sealed record ForkCase(SessionCase Base, long Client1, IReadOnlyList<Op> Ops1, long Client2, IReadOnlyList<Op> Ops2)
    {
        public override string ToString() =>
            $"{Base}\n  fork client {Client1}: {string.Join("; ", Ops1)}\n  fork client {Client2}: {string.Join("; ", Ops2)}";
    }

    private static Arbitrary<ForkCase> ForkCases()
    {
        var baseArb = SessionCase.Arbitrary(maxReplicas: 3, maxSteps: 30);
        var gen = from b in baseArb.Generator
                  from n1 in Gen.Choose(1, 5)
                  from ops1 in ScriptGen.Op().ArrayOf(n1)
                  from n2 in Gen.Choose(1, 5)
                  from ops2 in ScriptGen.Op().ArrayOf(n2)
                  select new ForkCase(b, 1_000_000_001, ops1, 1_000_000_002, ops2);
        return Arb.From(gen, f =>
            baseArb.Shrinker(f.Base).Select(b => f with { Base = b })
                .Concat(f.Ops1.Count > 1 ? [f with { Ops1 = [f.Ops1[0]] }] : [])
                .Concat(f.Ops2.Count > 1 ? [f with { Ops2 = [f.Ops2[0]] }] : []));
    }

    [CrdtProperty(200)]
    public FsCheck.Property Applying_merged_updates_equals_applying_them_one_by_one() =>
        Prop.ForAll(SessionCase.Arbitrary(), c =>
        {
            var run = new SessionRunner(c.Session).RunSteps();
            var log = run.Log.Select(s => s.Update).ToList();
            // A random subset in random order: the merge then contains gaps (Skips) and
            // structs whose dependencies are missing.
            var subset = c.Subset(log.Count).Select(i => log[i]).ToList();
            var rest = c.Rest(log.Count).Select(i => log[i]).ToList();

            var oneByOne = Replay(c.Session.Gc, 900_003, subset);
            var merged = Replay(c.Session.Gc, 900_003, [YUpdate.MergeUpdates(subset)]);
            // Mid-way, content and state vector must agree when nothing is pending. With pending
            // data, one by one can leave a struct pending that the merged update integrates
            // (yjs does the same, KnownYjsBehaviourTests); the rest of the log settles it.
            if (!Check2.HasPending(oneByOne.Doc))
            {
                Check2.Same(DocState.Of(oneByOne.Doc), DocState.Of(merged.Doc), "merged subset vs one by one", bytes: false);
            }
            else
            {
                Check2.StateVectorCovers(merged.Doc.EncodeStateVector(), oneByOne.Doc.EncodeStateVector(), "merged subset vs one by one");
            }

            // A causal prefix merged has no gaps: applied at once it must equal the prefix applied
            // update by update, bytes included once clean-ups are exchanged.
            var prefix = log.Take(c.Cut % (log.Count + 1)).ToList();
            var prefixOneByOne = Replay(c.Session.Gc, 900_005, prefix);
            var prefixMerged = Replay(c.Session.Gc, 900_005, [YUpdate.MergeUpdates(prefix)]);
            Peer.ExchangeOwnUpdates(prefixOneByOne, prefixMerged);
            Check2.Same(DocState.Of(prefixOneByOne.Doc), DocState.Of(prefixMerged.Doc), $"merged prefix of {prefix.Count} updates vs one by one");

            rest.ForEach(oneByOne.Receive);
            rest.ForEach(merged.Receive);
            Peer.ExchangeOwnUpdates(oneByOne, merged);
            Check2.Same(DocState.Of(oneByOne.Doc), DocState.Of(merged.Doc), "merged subset then the rest vs one by one");

            // The whole log merged into one update, applied to a fresh doc, gives the in-order doc.
            var inOrder = Replay(c.Session.Gc, 900_004, log);
            var allMerged = Replay(c.Session.Gc, 900_004, [YUpdate.MergeUpdates(log)]);
            Peer.ExchangeOwnUpdates(inOrder, allMerged);
            Check2.Same(DocState.Of(inOrder.Doc), DocState.Of(allMerged.Doc), "whole log merged vs one by one");
        });

    [CrdtProperty(200)]
    public FsCheck.Property Encoded_state_round_trips_through_a_fresh_document() =>
        Prop.ForAll(SessionCase.Arbitrary(), c =>
        {
            // Replicas are taken before the final flush, so some hold pending structs/deletes.
            var run = new SessionRunner(c.Session).RunSteps();
            for (int i = 0; i < run.Docs.Length; i++)
            {
                var a = run.Docs[i];
                var before = DocState.Of(a);
                var fresh = new Peer(c.Session.Gc, 900_005);
                fresh.Receive(before.Update);
                Check2.Same(before, DocState.Of(a), $"encoding changed replica {i}");
                if (Check2.HasPending(a))
                {
                    // Like yjs, a replica can keep a struct pending after its dependencies arrived
                    // (the sticky-pending cases in KnownYjsBehaviourTests); its state carries the
                    // struct, so a fresh document integrates it at once. Fed its own state, the
                    // replica catches up; one without stuck structs is unchanged by that.
                    a.ApplyUpdate(before.Update, SessionRunner.NetOrigin);
                    before = DocState.Of(a);
                }
                if (fresh.Own.Count == 0)
                {
                    Check2.Same(before, DocState.Of(fresh.Doc), $"fresh doc fed the state of replica {i}");
                }
                else
                {
                    // Receiving a whole state runs yjs's full formatting clean-up, which can delete
                    // markers the replica's own (contextless) clean-ups left; that is a new local
                    // edit (KnownYjsBehaviourTests). Content must agree now, bytes once it is shared.
                    Check2.Same(before, DocState.Of(fresh.Doc), $"fresh doc fed the state of replica {i}", bytes: false);
                    Peer.ExchangeOwnUpdates(fresh, new Peer(a));
                    Check2.Same(DocState.Of(a), DocState.Of(fresh.Doc), $"fresh doc fed the state of replica {i}, clean-up sent back");
                }
            }
        });

    [CrdtProperty(200)]
    public FsCheck.Property Diff_against_a_subset_state_vector_brings_the_subset_doc_up_to_date() =>
        Prop.ForAll(SessionCase.Arbitrary(), c =>
        {
            var run = new SessionRunner(c.Session).RunSteps();
            var log = run.Log.Select(s => s.Update).ToList();
            var a = Replay(c.Session.Gc, 900_006, log);
            var aState = a.Doc.EncodeStateAsUpdate();
            var aSv = a.Doc.EncodeStateVector();
            // b has a random subset of what a has, received in random order (so b ⊆ a, with pending data).
            var subset = c.Subset(log.Count).Select(i => log[i]).ToList();

            var b1 = Replay(c.Session.Gc, 900_007, subset);
            b1.Receive(YUpdate.DiffUpdate(aState, b1.Doc.EncodeStateVector()));
            var b2 = Replay(c.Session.Gc, 900_007, subset);
            b2.Receive(a.Doc.EncodeStateAsUpdate(b2.Doc.EncodeStateVector()));

            foreach (var (b, how) in new[] { (b1, "DiffUpdate(state(a), sv(b))"), (b2, "EncodeStateAsUpdate(a, sv(b))") })
            {
                Check2.Equal(Check2.Hex(aSv), Check2.Hex(b.Doc.EncodeStateVector()), $"b after {how}: state vector");
                Check2.Same(DocState.Of(a.Doc), DocState.Of(b.Doc), $"b after {how} vs a", bytes: false);
                Peer.ExchangeOwnUpdates(a, b);
                Check2.Same(DocState.Of(a.Doc), DocState.Of(b.Doc), $"b after {how} (and clean-ups exchanged) vs a");
            }

            // Nothing is missing relative to one's own state vector.
            var ownSv = a.Doc.EncodeStateVector();
            Check2.True(Check2.RunCount(YUpdate.DiffUpdate(a.Doc.EncodeStateAsUpdate(), ownSv)) == 0, "DiffUpdate(state(a), sv(a)) contains structs");
            Check2.True(Check2.RunCount(a.Doc.EncodeStateAsUpdate(ownSv)) == 0, "EncodeStateAsUpdate(a, sv(a)) contains structs");
        });
}
