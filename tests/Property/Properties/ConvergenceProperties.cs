using Xunit;
using FsCheck;
using FsCheck.Fluent;

namespace CrdtCollab.Property.Tests.Properties;

/// <summary>
/// Strong eventual consistency: replicas that have received the same updates, in whatever order,
/// with duplicates and delays, are identical — JSON, text delta, state vector and the bytes of
/// <c>EncodeStateAsUpdate</c> (Yjs's own test helper compares struct stores struct by struct,
/// so equal struct granularity, and hence equal bytes, is part of the contract).
/// </summary>
public sealed class ConvergenceProperties
{
    [CrdtProperty(250)]
    public FsCheck.Property Replicas_converge_after_random_concurrent_edits_and_delivery_with_gc_on() => Converge(gc: true);

    [CrdtProperty(250)]
    public FsCheck.Property Replicas_converge_after_random_concurrent_edits_and_delivery_with_gc_off() => Converge(gc: false);

    private static FsCheck.Property Converge(bool gc) =>
        Prop.ForAll(ScriptGen.Sessions(gc), session =>
        {
            var run = SessionRunner.Run(session);
            var first = DocState.Of(run.Docs[0]);
            for (int i = 1; i < run.Docs.Length; i++)
            {
                Check2.Same(first, DocState.Of(run.Docs[i]), $"replica {i} (client {session.Clients[i]}) vs replica 0 (client {session.Clients[0]})");
            }
        });

    [CrdtProperty(200)]
    public FsCheck.Property Shuffled_delivery_of_a_sessions_updates_converges_to_the_in_order_result() =>
        Prop.ForAll(SessionCase.Arbitrary(maxReplicas: 3, maxSteps: 40), c =>
        {
            var run = new SessionRunner(c.Session).RunSteps();
            var log = run.Log.Select(s => s.Update).ToList();
            var inOrder = new Peer(c.Session.Gc, 999_999_001);
            log.ForEach(inOrder.Receive);

            var order = c.Order(log.Count);
            var shuffled = new Peer(c.Session.Gc, 999_999_002);
            int cut = log.Count == 0 ? 0 : c.Cut % (log.Count + 1);
            for (int i = 0; i < cut; i++)
            {
                shuffled.Receive(log[order[i]]);
            }

            // Mid-way the document may hold pending structs and deletes. Its state update must
            // carry them: a fresh document fed that state plus only the updates the first one
            // has not seen yet must end up identical.
            var partial = DocState.Of(shuffled.Doc);
            var fresh = new Peer(c.Session.Gc, 999_999_003);
            fresh.Receive(partial.Update);
            string what = $"fresh doc fed the state of the doc that received {cut} shuffled updates";
            if (Check2.HasPending(shuffled.Doc))
            {
                // Receiving the pending part in one piece can integrate structs that the doc
                // itself keeps pending (KnownYjsBehaviourTests), so only "knows at least as much".
                Check2.StateVectorCovers(fresh.Doc.EncodeStateVector(), partial.StateVector, what);
            }
            else
            {
                Check2.Same(partial, DocState.Of(fresh.Doc), what, bytes: false);
            }

            for (int i = cut; i < log.Count; i++)
            {
                shuffled.Receive(log[order[i]]);
                fresh.Receive(log[order[i]]);
            }
            Peer.ExchangeOwnUpdates(inOrder, shuffled, fresh);
            var expected = DocState.Of(inOrder.Doc);
            Check2.Same(expected, DocState.Of(shuffled.Doc), "shuffled delivery vs in-order delivery");
            Check2.Same(expected, DocState.Of(fresh.Doc), "fresh doc (partial state, then the rest) vs in-order delivery");
        });
}
