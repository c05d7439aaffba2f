using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Protocols;
using CrdtCollab.Crdt.Types;
using Xunit;

namespace CrdtCollab.Property.Tests.Engine;

/// <summary>The worked examples shown in the README, kept compiling and true.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void Create_edit_encode_and_sync_two_documents()
    {
        // Create a document and edit it.
        var alice = new YDoc(new YDocOptions { ClientId = 1 });
        var text = alice.GetText("notes");
        text.Insert(0, "Hello world");
        text.Format(0, 5, new Dictionary<string, object?> { ["bold"] = true });
        var tasks = alice.GetMap("tasks");
        tasks.Set("pour-slab", new YMap(new Dictionary<string, object?> { ["done"] = false }));

        // Every transaction emits a Yjs V1 update: send it to peers as it happens.
        var outbox = new List<byte[]>();
        alice.UpdateV1 += (_, e) => outbox.Add(e.Update);
        alice.Transact(_ =>
        {
            text.Delete(5, 6);
            text.Insert(5, ", site");
        });

        // Encode the whole document (or only what a peer lacks, given its state vector).
        byte[] full = alice.EncodeStateAsUpdate();

        // Sync a second document: the y-protocols handshake, message by message.
        var bob = new YDoc(new YDocOptions { ClientId = 2 });
        byte[] step1 = SyncProtocol.EncodeSyncStep1(bob.EncodeStateVector());
        byte[]? step2 = SyncProtocol.ReadSyncMessage(step1, alice, origin: "bob");
        SyncProtocol.ReadSyncMessage(step2!, bob, origin: "alice");

        Assert.Equal("Hello, site", bob.GetText("notes").ToString());
        Assert.Equal(alice.EncodeStateVector(), bob.EncodeStateVector());
        Assert.Equal("{\"done\":false}", ((YMap)bob.GetMap("tasks").Get("pour-slab")!).ToJson());
        Assert.Single(outbox);
        Assert.NotEmpty(full);
        // Typing at the end of bold text continues it (Quill's and Yjs's rule).
        var delta = bob.GetText("notes").ToDelta();
        Assert.Equal("Hello, site", delta[0].Insert);
        Assert.Equal(true, delta[0].Attributes!["bold"]);
    }
}
