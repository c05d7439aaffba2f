using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Content;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Types;

/// <summary>
/// Removes redundant formatting markers, as Yjs does after deletions and after remote
/// transactions that touch formatted text (§9.3). Peers must do the same clean-up to end
/// with the same store.
/// </summary>
internal static class TextCleanup
{
    /// <summary>Deletes markers in the gap starting at <paramref name="start"/> that are overridden or redundant.</summary>
    public static int CleanupFormattingGap(YTransaction transaction, Item? start, Item? current, OrderedDictionary<string, object?> startAttributes, OrderedDictionary<string, object?> currentAttributes)
    {
        var end = start;
        var endFormats = new Dictionary<string, ContentFormat>();
        while (end is not null && (!end.Countable || end.Deleted))
        {
            if (!end.Deleted && end.Content is ContentFormat cf)
            {
                endFormats[cf.Key] = cf;
            }
            end = end.Right;
        }
        int cleanups = 0;
        bool reachedCurrent = false;
        while (start is not null && !ReferenceEquals(start, end))
        {
            if (ReferenceEquals(current, start))
            {
                reachedCurrent = true;
            }
            if (!start.Deleted && start.Content is ContentFormat format)
            {
                var startValue = startAttributes.GetValueOrDefault(format.Key);
                if (!ReferenceEquals(endFormats.GetValueOrDefault(format.Key), format) || TextAttributes.StrictEquals(startValue, format.Value))
                {
                    // Overwritten later in the gap, or it sets what was already in effect.
                    start.Delete(transaction);
                    cleanups++;
                    if (!reachedCurrent && TextAttributes.StrictEquals(currentAttributes.GetValueOrDefault(format.Key), format.Value)
                        && !TextAttributes.StrictEquals(startValue, format.Value))
                    {
                        if (startValue is null)
                        {
                            currentAttributes.Remove(format.Key);
                        }
                        else
                        {
                            currentAttributes[format.Key] = startValue;
                        }
                    }
                }
                if (!reachedCurrent && !start.Deleted)
                {
                    TextPosition.UpdateAttributes(currentAttributes, format);
                }
            }
            start = start.Right;
        }
        return cleanups;
    }

    private static void CleanupContextlessGap(YTransaction transaction, Item? item)
    {
        while (item?.Right is { } r && (r.Deleted || !r.Countable))
        {
            item = r;
        }
        var keys = new HashSet<string>();
        while (item is not null && (item.Deleted || !item.Countable))
        {
            if (!item.Deleted && item.Content is ContentFormat f && !keys.Add(f.Key))
            {
                item.Delete(transaction);
            }
            item = item.Left;
        }
    }

    /// <summary>Full clean-up of one text in its own transaction.</summary>
    public static int CleanupText(YText text)
    {
        int res = 0;
        text.RequireDoc().Transact(tr =>
        {
            var start = text.Start;
            var end = text.Start;
            var startAttributes = new OrderedDictionary<string, object?>();
            var currentAttributes = new OrderedDictionary<string, object?>();
            while (end is not null)
            {
                if (!end.Deleted)
                {
                    if (end.Content is ContentFormat f)
                    {
                        TextPosition.UpdateAttributes(currentAttributes, f);
                    }
                    else
                    {
                        res += CleanupFormattingGap(tr, start, end, startAttributes, currentAttributes);
                        startAttributes = new OrderedDictionary<string, object?>(currentAttributes);
                        start = end;
                    }
                }
                end = end.Right;
            }
        });
        return res;
    }

    /// <summary>After a remote transaction: full clean-up where markers arrived, gap clean-up around deletions elsewhere.</summary>
    public static void AfterRemoteTransaction(YTransaction transaction)
    {
        var doc = transaction.Doc;
        var store = doc.Store;
        var needFull = new List<YText>();
        var needFullSet = new HashSet<YText>(ReferenceEqualityComparer.Instance);
        foreach (var (client, before) in transaction.ChangedClientsAtEnd!)
        {
            var structs = store.Clients[client];
            for (int i = structs.FindIndex(before); i < structs.Count; i++)
            {
                if (structs[i] is Item { Deleted: false, Content: ContentFormat, Parent: YText t } && needFullSet.Add(t))
                {
                    needFull.Add(t);
                }
            }
        }
        doc.Transact(t =>
        {
            foreach (var (client, ranges) in transaction.DeleteSet.Clients)
            {
                if (!store.Clients.TryGetValue(client, out var structs))
                {
                    continue;
                }
                foreach (var range in ranges)
                {
                    ForEachStruct(transaction, structs, range.Clock, range.Length, s =>
                    {
                        if (s is not Item { Parent: YText { HasFormatting: true } text } item || needFullSet.Contains(text))
                        {
                            return;
                        }
                        if (item.Content is ContentFormat)
                        {
                            if (needFullSet.Add(text))
                            {
                                needFull.Add(text);
                            }
                        }
                        else
                        {
                            CleanupContextlessGap(t, item);
                        }
                    });
                }
            }
            foreach (var text in needFull)
            {
                CleanupText(text);
            }
        });
    }

    private static void ForEachStruct(YTransaction transaction, StructList structs, long clockStart, long length, Action<StructBase> action)
    {
        if (length == 0)
        {
            return;
        }
        long clockEnd = clockStart + length;
        int index = FindIndexCleanStart(transaction, structs, clockStart);
        StructBase s;
        do
        {
            s = structs[index++];
            if (clockEnd < s.Clock + s.Length)
            {
                FindIndexCleanStart(transaction, structs, clockEnd);
            }
            action(s);
        }
        while (index < structs.Count && structs[index].Clock < clockEnd);
    }

    private static int FindIndexCleanStart(YTransaction transaction, StructList structs, long clock)
    {
        int index = structs.FindIndex(clock);
        var s = structs[index];
        if (s.Clock < clock && s is Item item)
        {
            structs.Insert(index + 1, ItemOps.Split(transaction, item, (int)(clock - item.Clock)));
            return index + 1;
        }
        return index;
    }
}
