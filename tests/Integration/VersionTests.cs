using CrdtCollab.Crdt;
using CrdtCollab.EventStore;
using Xunit;
using static CrdtCollab.Integration.Tests.TestSchema;

namespace CrdtCollab.Integration.Tests;

[Collection(PostgresCollection.Name)]
public sealed class VersionTests(PostgresFixture pg)
{
    private static readonly Dictionary<string, DocumentRootKind> Roots = new()
    {
        ["content"] = DocumentRootKind.Text,
        ["meta"] = DocumentRootKind.Map,
        ["tasks"] = DocumentRootKind.Array,
    };

    /// <summary>A client editing a document whose every update is appended to the store.</summary>
    private sealed class Author
    {
        private readonly List<byte[]> _pending = [];

        public Author(long clientId)
        {
            Doc = new YDoc(new YDocOptions { ClientId = clientId, Gc = false });
            Doc.UpdateV1 += (_, e) => _pending.Add(e.Update);
        }

        public YDoc Doc { get; }

        public async Task EditAsync(PostgresEventStore store, Guid stream, Action<YDoc> edit)
        {
            Doc.Transact(_ => edit(Doc));
            var requests = _pending.Select(u => Request(stream, ExpectedVersion.Any, new EventData("update", u))).ToArray();
            _pending.Clear();
            if (requests.Length > 0)
            {
                await store.AppendBatchAsync(requests);
            }
        }
    }

    private static string Json(YDoc doc)
    {
        doc.GetText("content");
        doc.GetMap("meta");
        doc.GetArray("tasks");
        return doc.ToJson();
    }

    [Fact]
    public async Task Named_version_renders_its_content_and_restore_appends_an_update_that_brings_it_back()
    {
        var store = await NewStoreAsync(pg.DataSource, "versions");
        var versions = new DocumentVersionStore(store, new DocumentVersionsOptions { Roots = Roots });
        var stream = Guid.NewGuid();
        var author = new Author(1);
        await author.EditAsync(store, stream, d => d.GetText("content").Insert(0, "Foundations poured."));
        await author.EditAsync(store, stream, d => d.GetMap("meta").Set("phase", "foundations"));
        await author.EditAsync(store, stream, d => d.GetArray("tasks").Push("pour", "cure"));
        var expected = Json(author.Doc);
        var named = await versions.CreateNamedVersionAsync(stream, "Foundations done", "alice");
        Assert.Equal(3, named.StreamVersion);

        await author.EditAsync(store, stream, d =>
        {
            d.GetText("content").Insert(0, "Walls up. ");
            d.GetText("content").Delete(10, 5);
            d.GetMap("meta").Set("phase", "walls");
            d.GetMap("meta").Set("crew", 12.0);
            d.GetArray("tasks").Delete(0, 1);
            d.GetArray("tasks").Push("frame");
        });
        await store.CompactAsync(stream, YUpdateSnapshotMerger.Instance);
        await author.EditAsync(store, stream, d => d.GetText("content").Insert(0, "Roof next. "));
        Assert.NotEqual(expected, Json(author.Doc));

        // The version renders as it was, as JSON and as one update.
        Assert.Equal(expected, await versions.GetJsonAtAsync(stream, named.StreamVersion));
        var fromUpdate = new YDoc(new YDocOptions { Gc = false });
        fromUpdate.ApplyUpdate(await versions.GetUpdateAtAsync(stream, named.StreamVersion));
        Assert.Equal(expected, Json(fromUpdate));

        var before = await store.ReadStreamAsync(stream);
        var (result, update) = await versions.RestoreAsync(stream, named.StreamVersion, "bob");

        // History is kept and one restore event was appended.
        var after = await store.ReadStreamAsync(stream);
        Assert.Equal(before.Count + 1, after.Count);
        Assert.Equal(before.Select(e => e.Payload), after.Take(before.Count).Select(e => e.Payload));
        Assert.Equal(DocumentVersionStore.RestoreEventType, after[^1].EventType);
        Assert.Equal("bob", after[^1].UserId);
        Assert.Equal(after[^1].StreamVersion, result.LastStreamVersion);

        // The stored document, and a connected client that receives the update, are back at the version.
        var current = await store.LoadDocumentAsync(stream);
        var reloaded = new YDoc(new YDocOptions { Gc = false });
        foreach (var u in current.Updates())
        {
            reloaded.ApplyUpdate(u);
        }
        Assert.Equal(expected, Json(reloaded));
        author.Doc.ApplyUpdate(update);
        Assert.Equal(expected, Json(author.Doc));

        var list = await versions.ListVersionsAsync(stream);
        Assert.Contains(list, v => v.Kind == DocumentVersionKind.Named && v.Name == "Foundations done" && v.CreatedBy == "alice" && v.StreamVersion == 3);
    }

    [Fact]
    public async Task Named_version_must_exist_and_has_a_bounded_name()
    {
        var store = await NewStoreAsync(pg.DataSource, "versionbad");
        var versions = new DocumentVersionStore(store, new DocumentVersionsOptions { Roots = Roots });
        var stream = Guid.NewGuid();
        await Assert.ThrowsAsync<ArgumentException>(() => versions.CreateNamedVersionAsync(stream, "x", null));
        await new Author(1).EditAsync(store, stream, d => d.GetText("content").Insert(0, "a"));
        await Assert.ThrowsAsync<ArgumentException>(() => versions.CreateNamedVersionAsync(stream, "x", null, atVersion: 2));
        await Assert.ThrowsAsync<ArgumentException>(() => versions.CreateNamedVersionAsync(stream, new string('n', 201), null));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => versions.GetUpdateAtAsync(stream, 2));
        Assert.Equal(1, (await versions.CreateNamedVersionAsync(stream, "x", null, atVersion: 1)).StreamVersion);
    }

    [Fact]
    public async Task Automatic_versions_are_recorded_after_an_idle_gap_and_every_n_updates()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));
        var schema = NewName("autoversion");
        var options = new DocumentVersionsOptions { Roots = Roots, IdleGap = TimeSpan.FromMinutes(5), EveryUpdates = 10 };
        var store = new PostgresEventStore(pg.DataSource, new EventStoreOptions
        {
            Schema = schema,
            TimeProvider = clock,
            InlineProjections = [new AutoVersionProjection(schema, options)],
        });
        await store.MigrateAsync();
        var versions = new DocumentVersionStore(store, options);
        var stream = Guid.NewGuid();
        var author = new Author(1);

        for (var i = 0; i < 7; i++)
        {
            await author.EditAsync(store, stream, d => d.GetText("content").Insert(0, "x"));
            clock.Advance(TimeSpan.FromSeconds(30));
        }
        var beforeBreak = Json(author.Doc);
        clock.Advance(TimeSpan.FromMinutes(10));
        for (var i = 0; i < 18; i++)
        {
            await author.EditAsync(store, stream, d => d.GetText("content").Insert(0, "y"));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var list = await versions.ListVersionsAsync(stream);
        Assert.Equal([(7L, DocumentVersionKind.Idle), (10L, DocumentVersionKind.Count), (20L, DocumentVersionKind.Count)], list.Select(v => (v.StreamVersion, v.Kind)));
        Assert.Equal(beforeBreak, await versions.GetJsonAtAsync(stream, 7));

        // A batch that crosses several multiples records each of them.
        await store.AppendBatchAsync(Enumerable.Range(0, 24).Select(i => Request(stream, ExpectedVersion.Any, new EventData("update", YUpdate.Empty.ToArray()))).ToArray());
        Assert.Equal([30L, 40L], (await versions.ListVersionsAsync(stream)).Where(v => v.StreamVersion > 20).Select(v => v.StreamVersion));
    }

    private static async Task<string> StoredJsonAsync(PostgresEventStore store, Guid stream)
    {
        var doc = new YDoc(new YDocOptions { Gc = false });
        foreach (var u in (await store.LoadDocumentAsync(stream)).Updates())
        {
            doc.ApplyUpdate(u);
        }
        return Json(doc);
    }

    private static async Task<(PostgresEventStore Store, Guid Stream, DocumentVersion Named, string Expected)> VersionedDocumentAsync(PostgresFixture pg, string prefix)
    {
        var store = await NewStoreAsync(pg.DataSource, prefix);
        var stream = Guid.NewGuid();
        var author = new Author(1);
        await author.EditAsync(store, stream, d => d.GetText("content").Insert(0, "Foundations poured."));
        await author.EditAsync(store, stream, d => d.GetMap("meta").Set("phase", "foundations"));
        var expected = Json(author.Doc);
        var named = await new DocumentVersionStore(store).CreateNamedVersionAsync(stream, "Foundations done", "alice");
        await author.EditAsync(store, stream, d =>
        {
            d.GetText("content").Insert(0, "Walls up. ");
            d.GetMap("meta").Set("phase", "walls");
        });
        return (store, stream, named, expected);
    }

    [Fact]
    public async Task Restore_racing_an_append_between_its_load_and_its_append_retries_and_ends_exactly_at_the_version()
    {
        var (store, stream, named, expected) = await VersionedDocumentAsync(pg, "restorerace");
        var versions = new DocumentVersionStore(store, new DocumentVersionsOptions { Roots = Roots, RestoreAttempts = 3 });
        var racer = new Author(2);
        var attempts = new List<int>();
        // Another client edits after each of the first two attempts computed its update.
        versions.BeforeRestoreAppend = async (attempt, _) =>
        {
            attempts.Add(attempt);
            if (attempt < 3)
            {
                await racer.EditAsync(store, stream, d =>
                {
                    d.GetText("content").Insert(0, $"Racer {attempt}. ");
                    d.GetMap("meta").Set("racer", (double)attempt);
                });
            }
        };
        var head = (await store.GetStreamAsync(stream))!.Version;

        var (result, _) = await versions.RestoreAsync(stream, named.StreamVersion, "bob");

        Assert.Equal(expected, await StoredJsonAsync(store, stream));
        Assert.Equal([1, 2, 3], attempts);
        // Two racing edits, then the restore, which undid them too.
        Assert.Equal(head + 3, result.LastStreamVersion);
        var events = await store.ReadStreamAsync(stream);
        Assert.Single(events, e => e.EventType == DocumentVersionStore.RestoreEventType);
    }

    [Fact]
    public async Task Restore_raced_on_every_attempt_raises_ConcurrencyException_once_the_retry_budget_is_spent()
    {
        var (store, stream, named, _) = await VersionedDocumentAsync(pg, "restorebudget");
        var versions = new DocumentVersionStore(store, new DocumentVersionsOptions { Roots = Roots, RestoreAttempts = 3 });
        var racer = new Author(2);
        var attempts = 0;
        versions.BeforeRestoreAppend = async (attempt, _) =>
        {
            attempts = attempt;
            await racer.EditAsync(store, stream, d => d.GetMap("meta").Set("racer", (double)attempt));
        };

        await Assert.ThrowsAsync<ConcurrencyException>(() => versions.RestoreAsync(stream, named.StreamVersion, "bob"));

        Assert.Equal(3, attempts);
        Assert.DoesNotContain(await store.ReadStreamAsync(stream), e => e.EventType == DocumentVersionStore.RestoreEventType);
    }
}
