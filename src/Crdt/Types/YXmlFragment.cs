using System.Text;
using CrdtCollab.Crdt.Internal.Content;

namespace CrdtCollab.Crdt.Types;

/// <summary>A shared list of XML nodes (<see cref="YXmlElement"/>, <see cref="YXmlText"/>, <see cref="YXmlHook"/>).</summary>
public class YXmlFragment : YType
{
    private List<object?>? _prelim = [];

    internal override int TypeRef => ContentType.YXmlFragmentRef;

    internal override YType CreateEmpty() => new YXmlFragment();

    /// <summary>Number of child nodes.</summary>
    public int Length => DocInternal is null ? _prelim!.Count : LengthInternal;

    internal override void Integrate(YDoc doc, Internal.Structs.Item? item)
    {
        base.Integrate(doc, item);
        var prelim = _prelim;
        _prelim = null;
        if (prelim is { Count: > 0 })
        {
            Insert(0, prelim.Cast<YType>().ToArray());
        }
    }

    /// <summary>Inserts child nodes at <paramref name="index"/>.</summary>
    public void Insert(int index, params YType[] nodes)
    {
        if (DocInternal is null)
        {
            _prelim!.InsertRange(index, nodes);
            return;
        }
        Transact(tr => ListOps.Insert(tr, this, index, nodes));
    }

    /// <summary>Appends child nodes.</summary>
    public void Push(params YType[] nodes)
    {
        if (DocInternal is null)
        {
            _prelim!.AddRange(nodes);
            return;
        }
        Transact(tr => ListOps.Push(tr, this, nodes));
    }

    /// <summary>Deletes <paramref name="length"/> child nodes from <paramref name="index"/>.</summary>
    public void Delete(int index, int length = 1) => Transact(tr => ListOps.Delete(tr, this, index, length));

    /// <summary>The child nodes in order.</summary>
    public IReadOnlyList<object?> Children()
    {
        var values = new List<object?>();
        for (var n = Start; n is not null; n = n.Right)
        {
            if (n.IsVisible)
            {
                n.Content.CollectValues(values);
            }
        }
        return values;
    }

    /// <summary>The children serialised as XML, as Yjs's <c>toString()</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var child in Children())
        {
            // A hook is a map: JavaScript stringifies it as a plain object.
            sb.Append(child is YXmlHook ? "[object Object]" : child?.ToString());
        }
        return sb.ToString();
    }

    /// <inheritdoc />
    public override object? ToJsonValue() => ToString();
}
