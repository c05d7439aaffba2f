using CrdtCollab.Crdt.Internal.Content;

namespace CrdtCollab.Crdt.Types;

/// <summary>A shared list of values (JSON-like values, byte arrays, subdocuments and nested types).</summary>
public sealed class YArray : YType
{
    private List<object?>? _prelim = [];

    /// <summary>Creates a preliminary array; insert it into a document to share it.</summary>
    public YArray()
    {
    }

    /// <summary>Creates a preliminary array holding <paramref name="values"/> once inserted.</summary>
    public YArray(IEnumerable<object?> values) => _prelim = [.. values];

    internal override int TypeRef => ContentType.YArrayRef;

    internal override YType CreateEmpty() => new YArray();

    /// <summary>Number of elements.</summary>
    public int Length => DocInternal is null ? _prelim!.Count : LengthInternal;

    internal override void Integrate(YDoc doc, Internal.Structs.Item? item)
    {
        base.Integrate(doc, item);
        var prelim = _prelim;
        _prelim = null;
        if (prelim is { Count: > 0 })
        {
            Insert(0, [.. prelim]);
        }
    }

    /// <summary>Inserts <paramref name="values"/> at <paramref name="index"/>.</summary>
    public void Insert(int index, params object?[] values)
    {
        if (DocInternal is null)
        {
            _prelim!.InsertRange(index, values);
            return;
        }
        Transact(tr => ListOps.Insert(tr, this, index, values));
    }

    /// <summary>Appends <paramref name="values"/> after the last element.</summary>
    public void Push(params object?[] values)
    {
        if (DocInternal is null)
        {
            _prelim!.AddRange(values);
            return;
        }
        Transact(tr => ListOps.Push(tr, this, values));
    }

    /// <summary>Deletes <paramref name="length"/> elements starting at <paramref name="index"/>.</summary>
    public void Delete(int index, int length = 1)
    {
        if (DocInternal is null)
        {
            _prelim!.RemoveRange(index, length);
            return;
        }
        Transact(tr => ListOps.Delete(tr, this, index, length));
    }

    /// <summary>The element at <paramref name="index"/>.</summary>
    public object? Get(int index)
    {
        if (DocInternal is null)
        {
            return _prelim![index];
        }
        CheckRange(index, 1, LengthInternal);
        var item = FindItemAt(index, out int start);
        var values = new List<object?>(item.Length);
        item.Content.CollectValues(values);
        return values[index - start];
    }

    /// <summary>All elements in order.</summary>
    public object?[] ToArray()
    {
        if (DocInternal is null)
        {
            return [.. _prelim!];
        }
        var values = new List<object?>(LengthInternal);
        for (var n = Start; n is not null; n = n.Right)
        {
            if (n.IsVisible)
            {
                n.Content.CollectValues(values);
            }
        }
        return [.. values];
    }

    /// <inheritdoc />
    public override object? ToJsonValue() => ToArray().Select(ValueContent.ToJsonValue).ToList();
}
