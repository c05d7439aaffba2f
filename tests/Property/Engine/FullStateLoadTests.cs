using CrdtCollab.Property.Tests.Properties;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace CrdtCollab.Property.Tests.Engine;

/// <summary>
/// A full state applied to an empty document arrives per client in clock order, so almost
/// every item's origin still has its right origin as right neighbour, and integration takes
/// that neighbour instead of looking the right origin up in the store
/// (<c>ItemOps.GetMissing</c>). Replaying the session's updates one by one reaches the same
/// items through other neighbours (later insertions sit between origin and right origin, and
/// the look-up splits). The load must give the replica's exact document (bytes, JSON, delta)
/// and the replay's content.
/// </summary>
public sealed class FullStateLoadTests
{
    [CrdtProperty(200)]
    public FsCheck.Property Full_state_loads_as_the_replica_and_as_the_replayed_session() =>
        Prop.ForAll(SessionCase.Arbitrary(maxReplicas: 4, maxSteps: 40), c =>
        {
            var run = SessionRunner.Run(c.Session);
            var replayed = SessionRunner.NewDoc(c.Session.Gc, 999_999_001);
            foreach (var sent in run.Log)
            {
                replayed.ApplyUpdate(sent.Update, SessionRunner.NetOrigin);
            }
            for (int r = 0; r < run.Docs.Length; r++)
            {
                var replica = run.Docs[r];
                var loaded = SessionRunner.NewDoc(c.Session.Gc, 999_999_002);
                var state = replica.EncodeStateAsUpdate();
                loaded.ApplyUpdate(state, SessionRunner.NetOrigin);
                Check2.Same(DocState.Of(replica), DocState.Of(loaded), $"replica {r} loaded from its full state");
                // A replica that only typed into one text loads in one go (FullStateLoader).
                var general = SessionRunner.NewDoc(c.Session.Gc, 999_999_002);
                general.ApplyUpdate(ApplyFastPathTests.WithEmptyRun(state), SessionRunner.NetOrigin);
                Check2.Same(DocState.Of(general), DocState.Of(loaded), $"replica {r} loaded vs the general path");
                // The replay runs its own formatting clean-ups (remote transactions into a text
                // with formatting), which the replicas never see: content only.
                Check2.Same(DocState.Of(replayed), DocState.Of(loaded), $"replica {r} loaded vs the session replayed", bytes: false, delta: false);
            }
        });
}
