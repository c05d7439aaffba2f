using System.Text.Json;
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
                            RestoreText(doc.GetText(name), target.GetText(name).ToString());
                            break;
                        case DocumentRootKind.Map:
                            RestoreMap(doc.GetMap(name), target.GetMap(name));
                            break;
                        default:
                            RestoreArray(doc.GetArray(name), target.GetArray(name));
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

    private static void RestoreText(YText text, string wanted)
    {
        // Replace only the differing middle so unchanged text keeps its identity (cursors, comments).
        var current = text.ToString();
        var prefix = 0;
        var max = Math.Min(current.Length, wanted.Length);
        while (prefix < max && current[prefix] == wanted[prefix])
        {
            prefix++;
        }
        var suffix = 0;
        while (suffix < max - prefix && current[current.Length - 1 - suffix] == wanted[wanted.Length - 1 - suffix])
        {
            suffix++;
        }
        var deleteLength = current.Length - prefix - suffix;
        if (deleteLength > 0)
        {
            text.Delete(prefix, deleteLength);
        }
        var insert = wanted.Substring(prefix, wanted.Length - prefix - suffix);
        if (insert.Length > 0)
        {
            text.Insert(prefix, insert);
        }
    }

    private static void RestoreMap(YMap map, YMap wanted)
    {
        var wantedEntries = wanted.ToDictionary();
        foreach (var key in map.Keys.ToList())
        {
            if (!wantedEntries.ContainsKey(key))
            {
                map.Delete(key);
            }
        }
        foreach (var (key, value) in wantedEntries)
        {
            var plain = Plain(value);
            if (!map.ContainsKey(key) || Json(Plain(map.Get(key))) != Json(plain))
            {
                map.Set(key, plain);
            }
        }
    }

    private static void RestoreArray(YArray array, YArray wanted)
    {
        var values = wanted.ToArray().Select(Plain).ToArray();
        if (Json(array.ToArray().Select(Plain).ToArray()) == Json(values))
        {
            return;
        }
        if (array.Length > 0)
        {
            array.Delete(0, array.Length);
        }
        if (values.Length > 0)
        {
            array.Insert(0, values);
        }
    }

    // Nested shared types are restored as their JSON value: a type instance cannot move between documents.
    private static object? Plain(object? value) => value is YType type ? type.ToJsonValue() : value;

    private static string Json(object? value) => JsonSerializer.Serialize(value);
}
