using System.Text.Json.Nodes;
using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Types;
using CrdtCollab.EventStore;
using Xunit;
using static CrdtCollab.Integration.Tests.TestSchema;

namespace CrdtCollab.Integration.Tests;

/// <summary>
/// Version restore keeps what a plain-text/JSON restore dropped: rich-text formatting, embeds
/// (with their attributes) and nested shared types (maps, arrays, texts, XML), which come back
/// as shared types, not as their JSON. Each test edits a document past a named version in ways
/// that destroy exactly that, restores, and compares a deep dump (text deltas with attributes,
/// nested types by kind) of the stored document and of a client that receives the update.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class VersionRestoreRichContentTests(PostgresFixture pg)
{
    private static readonly Dictionary<string, DocumentRootKind> Roots = new()
    {
        ["content"] = DocumentRootKind.Text,
        ["meta"] = DocumentRootKind.Map,
        ["tasks"] = DocumentRootKind.Array,
    };

    private static readonly Dictionary<string, object?> Bold = new() { ["bold"] = true };
    private static readonly Dictionary<string, object?> Link = new() { ["link"] = "https://example.com/plan" };

    [Fact]
    public async Task Restore_brings_back_rich_text_formatting()
    {
        var deep = await RestoreAfterAsync(
            d =>
            {
                var t = d.GetText("content");
                t.Insert(0, "Foundations poured on time.");
                t.Format(0, 11, Bold);
                t.Format(12, 6, new Dictionary<string, object?> { ["italic"] = true, ["color"] = "#f00" });
                t.Format(19, 7, Link);
            },
            d =>
            {
                var t = d.GetText("content");
                t.Format(0, 11, new Dictionary<string, object?> { ["bold"] = null });
                t.Format(12, 14, new Dictionary<string, object?> { ["italic"] = null, ["link"] = null, ["underline"] = true });
                t.Insert(5, "XX");
            });
        Assert.Equal(deep.Version, deep.Stored);
        Assert.Equal(deep.Version, deep.Client);
        Assert.Contains("\"bold\":true", deep.Version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_brings_back_embeds_with_their_attributes()
    {
        var deep = await RestoreAfterAsync(
            d =>
            {
                var t = d.GetText("content");
                t.Insert(0, "Site plan:  and photo: ");
                t.InsertEmbed(11, new Dictionary<string, object?> { ["image"] = "plan.png", ["width"] = 640 }, Link);
                t.InsertEmbed(t.Length, new Dictionary<string, object?> { ["image"] = "photo.jpg" });
            },
            d =>
            {
                var t = d.GetText("content");
                t.Delete(11, 1);
                t.InsertEmbed(0, new Dictionary<string, object?> { ["video"] = "walk.mp4" });
                t.Delete(t.Length - 1, 1);
            });
        Assert.Equal(deep.Version, deep.Stored);
        Assert.Equal(deep.Version, deep.Client);
        Assert.Contains("plan.png", deep.Version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_brings_back_nested_types_as_shared_types()
    {
        var deep = await RestoreAfterAsync(
            d =>
            {
                var meta = d.GetMap("meta");
                var site = new YMap();
                meta.Set("site", site);
                site.Set("name", "North lot");
                var crew = new YArray();
                site.Set("crew", crew);
                crew.Push("ana", "bo");
                var notes = new YText();
                meta.Set("notes", notes);
                notes.Insert(0, "Pour at dawn", Bold);
                var task = new YMap();
                d.GetArray("tasks").Push(task, "plain");
                task.Set("title", "pour");
                var xml = new YXmlFragment();
                task.Set("doc", xml);
                var p = new YXmlElement("p");
                xml.Push(p);
                p.SetAttribute("class", "lead");
                var xt = new YXmlText();
                p.Push(xt);
                xt.Insert(0, "Check rebar");
            },
            d =>
            {
                var meta = d.GetMap("meta");
                var site = (YMap)meta.Get("site")!;
                site.Set("name", "South lot");
                ((YArray)site.Get("crew")!).Delete(0, 1);
                ((YText)meta.Get("notes")!).Format(0, 4, new Dictionary<string, object?> { ["bold"] = null });
                meta.Set("notes", "just a string now");
                var task = (YMap)d.GetArray("tasks").Get(0)!;
                var p = (YXmlElement)((YXmlFragment)task.Get("doc")!).Children()[0]!;
                p.RemoveAttribute("class");
                ((YXmlText)p.Children()[0]!).Insert(0, "Do not ");
                d.GetArray("tasks").Insert(0, new YArray());
            });
        Assert.Equal(deep.Version, deep.Stored);
        Assert.Equal(deep.Version, deep.Client);
        Assert.Contains("\"$\":\"map\"", deep.Version, StringComparison.Ordinal);
        Assert.Contains("\"$\":\"element:p\"", deep.Version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_leaves_unchanged_text_in_place()
    {
        // A relative position (a cursor, a comment anchor) in text the restore keeps still resolves there.
        var store = await NewStoreAsync(pg.DataSource, "restorekeep");
        var versions = new DocumentVersionStore(store, new DocumentVersionsOptions { Roots = Roots });
        var stream = Guid.NewGuid();
        var author = new Author(1);
        await author.EditAsync(store, stream, d => d.GetText("content").Insert(0, "Keep this. Change this.", Bold));
        var named = await versions.CreateNamedVersionAsync(stream, "v", "alice");
        await author.EditAsync(store, stream, d => d.GetText("content").Insert(11, "Inserted. "));
        var anchor = RelativePosition.FromTypeIndex(author.Doc.GetText("content"), 5, 0);
        var (_, update) = await versions.RestoreAsync(stream, named.StreamVersion, "bob");
        author.Doc.ApplyUpdate(update);
        Assert.Equal("Keep this. Change this.", author.Doc.GetText("content").ToString());
        Assert.Equal(5, anchor.ToAbsolutePosition(author.Doc)!.Index);
    }

    private async Task<(string Version, string Stored, string Client)> RestoreAfterAsync(Action<YDoc> atVersion, Action<YDoc> after)
    {
        var store = await NewStoreAsync(pg.DataSource, "restorerich");
        var versions = new DocumentVersionStore(store, new DocumentVersionsOptions { Roots = Roots });
        var stream = Guid.NewGuid();
        var author = new Author(1);
        await author.EditAsync(store, stream, atVersion);
        var version = Deep(author.Doc);
        var named = await versions.CreateNamedVersionAsync(stream, "before", "alice");
        await author.EditAsync(store, stream, after);
        Assert.NotEqual(version, Deep(author.Doc));

        var (_, update) = await versions.RestoreAsync(stream, named.StreamVersion, "bob");
        var stored = new YDoc(new YDocOptions { Gc = false });
        foreach (var u in (await store.LoadDocumentAsync(stream)).Updates())
        {
            stored.ApplyUpdate(u);
        }
        author.Doc.ApplyUpdate(update);
        return (version, Deep(stored), Deep(author.Doc));
    }

    /// <summary>The declared roots, nested types by kind, texts as deltas with attributes.</summary>
    private static string Deep(YDoc doc) => new JsonObject
    {
        ["content"] = Node(doc.GetText("content")),
        ["meta"] = Node(doc.GetMap("meta")),
        ["tasks"] = Node(doc.GetArray("tasks")),
    }.ToJsonString();

    private static JsonNode? Node(object? v) => v switch
    {
        YText t => new JsonObject
        {
            ["$"] = t is YXmlText ? "xmltext" : "text",
            ["delta"] = new JsonArray([.. t.ToDelta().Select(op => (JsonNode)new JsonObject
            {
                ["insert"] = Node(op.Insert),
                ["attributes"] = op.Attributes is null ? null : new JsonObject(op.Attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Node(kv.Value)))),
            })]),
        },
        YXmlElement e => new JsonObject
        {
            ["$"] = "element:" + e.NodeName,
            ["attrs"] = new JsonObject(e.GetAttributes().OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Node(kv.Value)))),
            ["children"] = new JsonArray([.. e.Children().Select(Node)]),
        },
        YXmlFragment f => new JsonObject { ["$"] = "fragment", ["children"] = new JsonArray([.. f.Children().Select(Node)]) },
        YMap m => new JsonObject { ["$"] = "map", ["entries"] = new JsonObject(m.ToDictionary().OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Node(kv.Value)))) },
        YArray a => new JsonObject { ["$"] = "array", ["items"] = new JsonArray([.. a.ToArray().Select(Node)]) },
        IDictionary<string, object?> d => new JsonObject(d.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Node(kv.Value)))),
        _ => System.Text.Json.JsonSerializer.SerializeToNode(v),
    };

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
}
