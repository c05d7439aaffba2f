using CrdtCollab.Crdt.Internal;
using CrdtCollab.Property.Tests.Properties;
using Xunit;

namespace CrdtCollab.Property.Tests.Engine;

/// <summary>
/// A full state applied to an empty document loads in one go (<c>FullStateLoader</c>) when it
/// holds one client's items of one root list without formatting or nested types; anything else
/// must be declined. The same update with an extra, empty run of an unknown client means the
/// same to Yjs but always takes the general path. Random documents (typing runs, deletions,
/// surrogate pairs, embeds, arrays of values, gc on and off on either side), their full states
/// and their per-transaction updates merged into one, must load to the same document both ways:
/// same bytes, JSON, delta and state vector, the same emitted update, and the same document
/// again after the same further local and remote edits (which walk the links, positions and
/// struct lists the load built).
/// </summary>
public sealed class FullStateLoaderTests
{
    private const string OtherRoot = "other";

    /// <summary>What a random document holds, and so whether the loader must take its full state.</summary>
    private enum Kind
    {
        Text,
        TextWithEmbeds,
        Array,
        Formatted,
        MapEntries,
        TwoRoots,
        Nested,
        TwoClients,
    }

    [Fact]
    public void Loaded_full_states_equal_the_general_path()
    {
        int taken = 0;
        int declined = 0;
        for (int seed = 0; seed < 2000; seed++)
        {
            var rng = new Random(seed);
            var kind = (Kind)(seed % 8);
            // Every 40th document is long enough for several struct-list chunks (256 structs each).
            var (source, updates) = RandomDocument(rng, kind, steps: seed % 40 == 0 ? rng.Next(300, 900) : rng.Next(1, 50));
            bool plain = kind is Kind.Text or Kind.TextWithEmbeds or Kind.Array;
            bool loaderGc = rng.Next(3) != 0;
            string what = $"seed {seed} ({kind}, source gc {source.Gc}, loader gc {loaderGc})";

            bool fullStateTaken = LoadBothWays(source.EncodeStateAsUpdate(), loaderGc, rng.Next(), source, what + " full state");
            // The other kinds are declined unless their special part was deleted and collected.
            Assert.True(fullStateTaken || !plain, $"{what}: the loader declined a plain full state");
            if (fullStateTaken)
            {
                taken++;
            }
            else
            {
                declined++;
            }

            // Merged updates keep every transaction's structs and delete ranges apart (ranges
            // inside items, items a later transaction would have merged): taken or declined,
            // the document must be the same.
            LoadBothWays(YUpdate.MergeUpdates(updates), loaderGc, rng.Next(), source, what + " merged updates");
        }
        Assert.True(taken > 700 && declined > 700, $"taken {taken}, declined {declined}");
    }

    /// <summary>Loads <paramref name="update"/> both ways, compares, edits both the same way, compares again; whether the loader took it.</summary>
    private static bool LoadBothWays(byte[] update, bool gc, int editSeed, YDoc source, string what)
    {
        var fast = SessionRunner.NewDoc(gc, 999_999_001);
        var general = SessionRunner.NewDoc(gc, 999_999_001);
        var fastEmitted = new List<byte[]>();
        var generalEmitted = new List<byte[]>();
        fast.UpdateV1 += (_, e) => fastEmitted.Add(e.Update);
        general.UpdateV1 += (_, e) => generalEmitted.Add(e.Update);

        int before = FullStateLoader.LoadsOnThisThread;
        fast.ApplyUpdate(update, SessionRunner.NetOrigin);
        bool taken = FullStateLoader.LoadsOnThisThread > before;
        general.ApplyUpdate(ApplyFastPathTests.WithEmptyRun(update), SessionRunner.NetOrigin);
        Assert.True(FullStateLoader.LoadsOnThisThread == before + (taken ? 1 : 0), $"{what}: the general path took the loader");
        Compare(general, fast, generalEmitted, fastEmitted, what + ", loaded");

        // Further edits: local ones (positions, splits and merges in the loaded lists) and the
        // source's own next edits arriving as a remote update.
        var rng = new Random(editSeed);
        var sourceUpdates = new List<byte[]>();
        source.UpdateV1 += (_, e) => sourceUpdates.Add(e.Update);
        for (int i = 0; i < 6; i++)
        {
            int opSeed = rng.Next();
            foreach (var doc in new[] { general, fast, source })
            {
                var ops = new Random(opSeed);
                EditText(doc, ops);
                EditArray(doc, ops);
            }
        }
        foreach (var u in sourceUpdates)
        {
            general.ApplyUpdate(u, SessionRunner.NetOrigin);
            fast.ApplyUpdate(u, SessionRunner.NetOrigin);
        }
        Compare(general, fast, generalEmitted, fastEmitted, what + ", then edited");
        return taken;
    }

    private static void Compare(YDoc general, YDoc fast, List<byte[]> generalEmitted, List<byte[]> fastEmitted, string what)
    {
        Check2.Same(DocState.Of(general), DocState.Of(fast), what);
        // Exact bytes (Check2.Same tolerates one difference Yjs itself makes between replicas).
        Check2.Equal(Check2.Hex(general.EncodeStateAsUpdate()), Check2.Hex(fast.EncodeStateAsUpdate()), what + ": exact state bytes");
        Check2.Equal(string.Join(" ", generalEmitted.Select(Check2.Hex)), string.Join(" ", fastEmitted.Select(Check2.Hex)), what + ": emitted updates");
    }

    /// <summary>A document of <paramref name="kind"/> built by random transactions, and the updates it emitted.</summary>
    private static (YDoc Doc, List<byte[]> Updates) RandomDocument(Random rng, Kind kind, int steps)
    {
        var doc = SessionRunner.NewDoc(gc: rng.Next(3) != 0, rng.NextInt64(1, 1L << 40));
        var updates = new List<byte[]>();
        doc.UpdateV1 += (_, e) => updates.Add(e.Update);
        int special = rng.Next(steps);
        for (int step = 0; step < steps; step++)
        {
            doc.Transact(_ =>
            {
                int ops = rng.Next(1, 4);
                for (int op = 0; op < ops; op++)
                {
                    if (kind == Kind.Array)
                    {
                        EditArray(doc, rng);
                    }
                    else
                    {
                        EditText(doc, rng);
                    }
                }
                if (kind == Kind.TextWithEmbeds && rng.Next(3) == 0)
                {
                    var text = doc.GetText(SessionRunner.TextRoot);
                    text.InsertEmbed(rng.Next(text.Length + 1), new Dictionary<string, object?> { ["image"] = "x.png" });
                }
            });
            if (step == special)
            {
                AddSpecial(doc, rng, kind);
            }
        }
        return (doc, updates);
    }

    /// <summary>The one feature that makes the loader decline the document's full state.</summary>
    private static void AddSpecial(YDoc doc, Random rng, Kind kind)
    {
        var text = doc.GetText(SessionRunner.TextRoot);
        switch (kind)
        {
            case Kind.Formatted:
                text.Insert(rng.Next(text.Length + 1), "bold", new Dictionary<string, object?> { ["bold"] = true });
                break;
            case Kind.MapEntries:
                doc.GetMap(SessionRunner.MapRoot).Set("k", rng.Next(10));
                break;
            case Kind.TwoRoots:
                doc.GetText(OtherRoot).Insert(0, "elsewhere");
                break;
            case Kind.Nested:
                doc.GetArray(SessionRunner.ArrayRoot).Insert(0, new Crdt.Types.YArray());
                break;
            case Kind.TwoClients:
                var peer = SessionRunner.NewDoc(gc: true, doc.ClientId + 1);
                peer.ApplyUpdate(doc.EncodeStateAsUpdate());
                EditText(peer, rng);
                EditText(peer, rng);
                var fromPeer = peer.EncodeStateAsUpdate(doc.EncodeStateVector());
                doc.ApplyUpdate(fromPeer);
                break;
        }
    }

    private static readonly string[] Pieces = ["a", "b", "hello ", "xyz", " ", "\u00e9", "\u4e2d\u6587", "\ud83d\udc4d", "a\ud83d\udc4db", "\n"];

    private static void EditText(YDoc doc, Random rng)
    {
        var text = doc.GetText(SessionRunner.TextRoot);
        if (text.Length > 0 && rng.Next(3) == 0)
        {
            int from = rng.Next(text.Length);
            text.Delete(from, Math.Min(text.Length - from, rng.Next(1, 6)));
            return;
        }
        // Mostly typing at the end or right where the previous insert ended, sometimes anywhere.
        int at = rng.Next(4) == 0 ? rng.Next(text.Length + 1) : text.Length;
        int pieces = rng.Next(1, 4);
        for (int i = 0; i < pieces; i++)
        {
            string piece = Pieces[rng.Next(Pieces.Length)];
            text.Insert(Math.Min(at, text.Length), piece);
            at += piece.Length;
        }
    }

    private static void EditArray(YDoc doc, Random rng)
    {
        var array = doc.GetArray(SessionRunner.ArrayRoot);
        if (array.Length > 0 && rng.Next(3) == 0)
        {
            int from = rng.Next(array.Length);
            array.Delete(from, Math.Min(array.Length - from, rng.Next(1, 4)));
            return;
        }
        object?[] values = rng.Next(4) switch
        {
            0 => [rng.Next(100) * 1.0, "s", true],
            1 => [null],
            2 => [new byte[] { 1, 2, (byte)rng.Next(256) }],
            _ => [rng.Next(100) * 1.0],
        };
        array.Insert(rng.Next(4) == 0 ? rng.Next(array.Length + 1) : array.Length, values);
    }
}
