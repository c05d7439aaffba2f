using CrdtCollab.Client;
using CrdtCollab.Crdt;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Integration.Tests.Support;
using Xunit;

namespace CrdtCollab.Integration.Tests.Server;

/// <summary>Comparisons of V1 states and the edits the server tests make, shared by those tests.</summary>
internal static class ServerTestKit
{
    /// <summary>The root text the Node clients edit too.</summary>
    public const string Text = "text";

    /// <summary>
    /// True when <paramref name="holder"/> holds everything in <paramref name="update"/>: applied
    /// on top, it raises no update (no new struct, no new deletion) and leaves no struct waiting
    /// for a missing dependency (the state vector then covers the update's).
    /// </summary>
    public static bool Contains(byte[] holder, byte[] update)
    {
        var doc = new YDoc();
        doc.ApplyUpdate(holder);
        bool changed = false;
        doc.UpdateV1 += (_, _) => changed = true;
        doc.ApplyUpdate(update);
        var have = doc.GetStateVector();
        bool complete = YUpdate.DecodeStateVector(YUpdate.EncodeStateVectorFromUpdate(update))
            .All(kv => have.TryGetValue(kv.Key, out var clock) && clock >= kv.Value);
        return !changed && complete;
    }

    public static bool Equivalent(byte[] a, byte[] b) => Contains(a, b) && Contains(b, a);

    public static string TextOf(byte[] state)
    {
        var doc = new YDoc();
        doc.ApplyUpdate(state);
        return doc.GetText(Text).ToString();
    }

    public static byte[] StateOf(SyncClient client)
    {
        lock (client.SyncRoot)
        {
            return client.Document.EncodeStateAsUpdate();
        }
    }

    public static string TextOf(SyncClient client)
    {
        lock (client.SyncRoot)
        {
            return client.Document.GetText(Text).ToString();
        }
    }

    /// <summary>The server's live document (<c>GET /api/documents/{id}/state</c>, signed in as a link editor).</summary>
    public static async Task<byte[]> ServerStateAsync(SyncServer server, string documentId)
    {
        using var http = await server.HttpAsync("state-reader");
        return await http.GetByteArrayAsync($"api/documents/{documentId}/state");
    }

    /// <summary>A fresh replay of the stored events.</summary>
    public static async Task<byte[]> ReplayStateAsync(SyncServer server, string documentId) =>
        (await StoredAsync(server, documentId)).State;

    /// <summary>The stored events replayed into a fresh document, and the stream's version, read straight from PostgreSQL.</summary>
    public static async Task<(byte[] State, long Version)> StoredAsync(SyncServer server, string documentId)
    {
        var stored = await server.OpenStore().LoadDocumentAsync(DocumentStreamId.For(documentId));
        var doc = new YDoc();
        foreach (var update in stored.Updates())
        {
            doc.ApplyUpdate(update);
        }
        return (doc.EncodeStateAsUpdate(), stored.Version);
    }

    /// <summary>
    /// Records a client's local updates in the order the document raised them, so the first
    /// <see cref="SyncClient.SavedUpdates"/> of them are the ones its acknowledgements cover.
    /// </summary>
    public static List<byte[]> RecordLocalUpdates(SyncClient client)
    {
        var updates = new List<byte[]>();
        lock (client.SyncRoot)
        {
            client.Document.UpdateV1 += (_, e) =>
            {
                if (!ReferenceEquals(e.Origin, client))
                {
                    updates.Add(e.Update);
                }
            };
        }
        return updates;
    }

    /// <summary>The local updates an acknowledgement covering <paramref name="saved"/> updates confirmed.</summary>
    public static List<byte[]> Acknowledged(SyncClient client, List<byte[]> recorded, long saved)
    {
        lock (client.SyncRoot)
        {
            return recorded.Take((int)saved).ToList();
        }
    }

    /// <summary>The same random edits client.mjs makes: 70% inserts of 1-5 letters, 30% deletes of 1-3.</summary>
    public static async Task EditAsync(SyncClient client, int count, int seed, int intervalMs)
    {
        var random = new Random(seed);
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz ";
        for (int i = 0; i < count; i++)
        {
            client.Transact(_ =>
            {
                var text = client.Document.GetText(Text);
                int length = text.Length;
                if (length > 0 && random.NextDouble() < 0.3)
                {
                    int index = random.Next(length);
                    text.Delete(index, Math.Min(length - index, 1 + random.Next(3)));
                }
                else
                {
                    var s = new string([.. Enumerable.Range(0, 1 + random.Next(5)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
                    text.Insert(random.Next(length + 1), s);
                }
            });
            if (intervalMs > 0)
            {
                await Task.Delay(intervalMs);
            }
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> after the timeout.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for: " + what);
            await Task.Delay(50);
        }
    }

    /// <summary>Client options signed in as <paramref name="user"/>: one dev token, handed out on every connection attempt.</summary>
    public static async Task<SyncClientOptions> OptionsAsync(SyncServer server, SyncClientProtocol protocol, string user = "dotnet")
    {
        var token = await server.TokenAsync(user);
        return Options(protocol, () => Task.FromResult<string?>(token));
    }

    public static SyncClientOptions Options(SyncClientProtocol protocol, Func<Task<string?>>? accessToken) => new()
    {
        Protocol = protocol,
        AccessTokenProvider = accessToken,
        // Quick retries: the restart test gives the clients seconds, not the default 5 s ceiling.
        ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250)],
    };
}
