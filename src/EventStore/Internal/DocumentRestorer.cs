using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.EventStore.Internal;

/// <summary>Builds documents from stored updates and the update that makes one document's roots equal another's.</summary>
internal static class DocumentRestorer
{
    public static YDoc Load(byte[] update, IReadOnlyDictionary<string, DocumentRootKind> roots) => Load([update], roots);

    public static YDoc Load(IReadOnlyList<byte[]> updates, IReadOnlyDictionary<string, DocumentRootKind> roots)
    {
        // Gc off: a restore must be able to refer to deleted content of the current document.
        var doc = new YDoc(new YDocOptions { Gc = false });
        foreach (var update in updates)
        {
            doc.ApplyUpdate(update);
        }
        // Roots are untyped on the wire; type them so ToJson and edits see their content.
        foreach (var (name, kind) in roots)
        {
            _ = kind switch
            {
                DocumentRootKind.Text => (YType)doc.GetText(name),
                DocumentRootKind.Map => doc.GetMap(name),
                _ => doc.GetArray(name),
            };
        }
        return doc;
    }

    /// <summary>Edits <paramref name="doc"/> in one transaction so its declared roots equal <paramref name="target"/>'s; returns that update.</summary>
    public static byte[] MakeEqual(YDoc doc, YDoc target, IReadOnlyDictionary<string, DocumentRootKind> roots)
    {
        byte[]? update = null;
        void Capture(object? sender, YUpdateEventArgs e) => update = e.Update;
        doc.UpdateV1 += Capture;
        try
        {
            doc.Transact(_ =>
            {
                foreach (var (name, kind) in roots)
                {
                    switch (kind)
                    {
                        case DocumentRootKind.Text:
                            ContentSync.MakeEqual(doc.GetText(name), target.GetText(name));
                            break;
                        case DocumentRootKind.Map:
                            ContentSync.MakeEqual(doc.GetMap(name), target.GetMap(name));
                            break;
                        default:
                            ContentSync.MakeEqual(doc.GetArray(name), target.GetArray(name));
                            break;
                    }
                }
            });
        }
        finally
        {
            doc.UpdateV1 -= Capture;
        }
        // Nothing differed: an empty update keeps the restore visible in the history.
        return update ?? YUpdate.Empty.ToArray();
    }
}
