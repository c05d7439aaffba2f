using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Content;
using CrdtCollab.Crdt.Internal.Structs;

namespace CrdtCollab.Crdt.Types;

/// <summary>A shared map from string keys to values; concurrent sets of one key are won by the higher client id.</summary>
public class YMap : YType
{
    private Dictionary<string, object?>? _prelim = [];

    /// <summary>Creates a preliminary map; insert it into a document to share it.</summary>
    public YMap()
    {
    }

    /// <summary>Creates a preliminary map holding <paramref name="entries"/> once inserted.</summary>
    public YMap(IEnumerable<KeyValuePair<string, object?>> entries) => _prelim = new(entries);

    internal override int TypeRef => ContentType.YMapRef;

    internal override YType CreateEmpty() => new YMap();

    internal override void Integrate(YDoc doc, Item? item)
    {
        base.Integrate(doc, item);
        var prelim = _prelim;
        _prelim = null;
        if (prelim is { Count: > 0 })
        {
            foreach (var (key, value) in prelim)
            {
                Set(key, value);
            }
        }
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>.</summary>
    public void Set(string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (DocInternal is null)
        {
            _prelim![key] = value;
            return;
        }
        Transact(tr =>
        {
            var left = Map.GetValueOrDefault(key);
            var content = ValueContent.ForMapValue(value);
            ListOps.NewItem(tr, tr.Doc, this, left, null, key, content);
        });
    }

    /// <summary>The value of <paramref name="key"/>, or null when absent (use <see cref="ContainsKey"/> to tell apart).</summary>
    public object? Get(string key)
    {
        if (DocInternal is null)
        {
            return _prelim!.GetValueOrDefault(key);
        }
        return Map.TryGetValue(key, out var item) && !item.Deleted ? LastValue(item) : null;
    }

    /// <summary>Whether <paramref name="key"/> currently has a value.</summary>
    public bool ContainsKey(string key) =>
        DocInternal is null ? _prelim!.ContainsKey(key) : Map.TryGetValue(key, out var item) && !item.Deleted;

    /// <summary>Removes <paramref name="key"/>.</summary>
    public void Delete(string key)
    {
        if (DocInternal is null)
        {
            _prelim!.Remove(key);
            return;
        }
        Transact(tr =>
        {
            if (Map.TryGetValue(key, out var item))
            {
                item.Delete(tr);
            }
        });
    }

    /// <summary>Keys that currently have a value.</summary>
    public IEnumerable<string> Keys => DocInternal is null
        ? _prelim!.Keys.ToList()
        : Map.Where(kv => !kv.Value.Deleted).Select(kv => kv.Key).ToList();

    /// <summary>Number of keys with a value.</summary>
    public int Count => DocInternal is null ? _prelim!.Count : Map.Values.Count(i => !i.Deleted);

    /// <summary>The entries with their current values, in key-insertion order.</summary>
    public IReadOnlyDictionary<string, object?> ToDictionary()
    {
        if (DocInternal is null)
        {
            return new Dictionary<string, object?>(_prelim!);
        }
        var result = new Dictionary<string, object?>();
        foreach (var (key, item) in Map)
        {
            if (!item.Deleted)
            {
                result[key] = LastValue(item);
            }
        }
        return result;
    }

    internal static object? LastValue(Item item)
    {
        var values = new List<object?>(item.Length);
        item.Content.CollectValues(values);
        // A non-countable item (a marker a hostile peer put under a key) has no value: JS reads undefined.
        return values.Count > 0 ? values[^1] : Undefined.Value;
    }

    /// <inheritdoc />
    public override object? ToJsonValue()
    {
        var result = new Dictionary<string, object?>();
        foreach (var (key, value) in ToDictionary())
        {
            result[key] = ValueContent.ToJsonValue(value);
        }
        return result;
    }
}
