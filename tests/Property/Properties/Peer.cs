namespace CrdtCollab.Property.Tests.Properties;

/// <summary>
/// A document that receives updates and remembers the updates it produces itself. Receiving can
/// produce some: after a remote transaction yjs cleans up redundant text formatting markers in a
/// new local transaction, and which markers are redundant depends on the order updates arrived
/// in. Like any local edit, that clean-up only converges once it is sent to the other replicas.
/// </summary>
public sealed class Peer
{
    private int _sent;

    public Peer(bool gc, long client)
        : this(SessionRunner.NewDoc(gc, client))
    {
    }

    /// <summary>Wraps an existing document; only updates it produces from now on count as its own.</summary>
    public Peer(YDoc doc)
    {
        Doc = doc;
        Doc.UpdateV1 += (_, e) =>
        {
            if (!ReferenceEquals(e.Origin, SessionRunner.NetOrigin))
            {
                Own.Add(e.Update);
            }
        };
    }

    public YDoc Doc { get; }

    public List<byte[]> Own { get; } = [];

    public void Receive(byte[] update) => Doc.ApplyUpdate(update, SessionRunner.NetOrigin);

    /// <summary>Sends every peer's clean-up updates to all the others until none produces more.</summary>
    public static void ExchangeOwnUpdates(params Peer[] peers)
    {
        for (int round = 0; round < 20; round++)
        {
            bool any = false;
            foreach (var p in peers)
            {
                while (p._sent < p.Own.Count)
                {
                    var u = p.Own[p._sent++];
                    any = true;
                    foreach (var q in peers)
                    {
                        if (!ReferenceEquals(p, q))
                        {
                            q.Receive(u);
                        }
                    }
                }
            }
            if (!any)
            {
                return;
            }
        }
        throw new Xunit.Sdk.XunitException("clean-up updates kept producing new clean-up updates for 20 rounds");
    }
}
