using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Types;
using CrdtCollab.EventStore;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Progress.Documents;

namespace CrdtCollab.Integration.Tests.Progress;

/// <summary>
/// Edits drawing documents the way a crew's client would (a YDoc replica producing Yjs updates) and
/// commits each update to the CRDT log as the sync server does: event type "update", the user id in
/// the metadata, the stream id derived from the document id.
/// </summary>
internal sealed class DrawingEditor(PostgresEventStore log)
{
    private readonly Dictionary<(string DocumentId, int Replica), YDoc> _replicas = [];

    public YDoc Replica(string documentId, int replica = 0)
    {
        if (!_replicas.TryGetValue((documentId, replica), out var doc))
        {
            doc = new YDoc(new YDocOptions { ClientId = 1000 + replica });
            _replicas[(documentId, replica)] = doc;
        }
        return doc;
    }

    /// <summary>Runs <paramref name="edit"/> on a replica and commits the update it produces.</summary>
    public async Task<byte[]> EditAsync(string documentId, string user, Action<YDoc> edit, int replica = 0)
    {
        var update = Capture(Replica(documentId, replica), edit);
        await CommitAsync(documentId, user, update);
        return update;
    }

    public Task<byte[]> SetAsync(string documentId, string user, string component, string milestone, object? value, int replica = 0) =>
        EditAsync(documentId, user, doc => SetRaw(doc, component, milestone, value), replica);

    public async Task CommitAsync(string documentId, string user, byte[] update) =>
        await log.AppendAsync(new AppendRequest(DocumentStreamId.For(documentId), ExpectedVersion.Any, [new EventData("update", update) { UserId = user }]));

    public static byte[] Capture(YDoc doc, Action<YDoc> edit)
    {
        var updates = new List<byte[]>();
        void OnUpdate(object? sender, YUpdateEventArgs e) => updates.Add(e.Update.ToArray());
        doc.UpdateV1 += OnUpdate;
        try
        {
            edit(doc);
        }
        finally
        {
            doc.UpdateV1 -= OnUpdate;
        }
        return updates.Count == 1 ? updates[0] : YUpdate.MergeUpdates(updates);
    }

    /// <summary>Like <see cref="DrawingDocument.SetMilestone"/> but for any raw value (tests write invalid ones too).</summary>
    public static void SetRaw(YDoc doc, string component, string milestone, object? value) =>
        doc.Transact(_ =>
        {
            var components = doc.GetMap(DrawingDocument.ComponentsRoot);
            if (components.Get(component) is not YMap milestones)
            {
                milestones = new YMap();
                components.Set(component, milestones);
            }
            if (value is null)
            {
                milestones.Delete(milestone);
            }
            else
            {
                milestones.Set(milestone, value);
            }
        });
}
