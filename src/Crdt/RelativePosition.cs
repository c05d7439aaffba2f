using System.Globalization;
using System.Text;
using System.Text.Json;
using CrdtCollab.Crdt.Internal;
using CrdtCollab.Crdt.Internal.Lib0;
using CrdtCollab.Crdt.Internal.Structs;
using CrdtCollab.Crdt.Types;

namespace CrdtCollab.Crdt;

/// <summary>
/// A position in a shared type that survives concurrent edits (yjs's <c>RelativePosition</c>), for
/// cursors and comment anchors: the id of the unit at the position (<see cref="Item"/>), or, at the
/// end of the type, the type itself (<see cref="TypeName"/> for a root, <see cref="Type"/> for a
/// nested type). <see cref="Assoc"/> ≥ 0 sticks to the unit on the right, &lt; 0 to the one on the left.
/// Encoded bytes and the JSON form are yjs's.
/// </summary>
public sealed class RelativePosition : IEquatable<RelativePosition>
{
    /// <summary>Creates a relative position from its parts (yjs's constructor).</summary>
    public RelativePosition(Id? type, string? typeName, Id? item, int assoc = 0)
    {
        Type = type;
        TypeName = typeName;
        Item = item;
        Assoc = assoc;
    }

    /// <summary>The id of the item holding the nested type, when the position is at its end.</summary>
    public Id? Type { get; }

    /// <summary>The root type's name, when the position is at the end of a root type.</summary>
    public string? TypeName { get; }

    /// <summary>The unit the position sticks to.</summary>
    public Id? Item { get; }

    /// <summary>The association: ≥ 0 right (the default), &lt; 0 left.</summary>
    public int Assoc { get; }

    /// <summary>
    /// The relative position of <paramref name="index"/> in <paramref name="type"/> (yjs's
    /// <c>createRelativePositionFromTypeIndex</c>). With <paramref name="assoc"/> &lt; 0 it sticks
    /// to the unit before the index, otherwise to the unit at it.
    /// </summary>
    public static RelativePosition FromTypeIndex(YType type, int index, int assoc = 0)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (assoc < 0)
        {
            if (index == 0)
            {
                return Create(type, null, assoc);
            }
            index--;
        }
        for (var t = type.Start; t is not null; t = t.Right)
        {
            if (!t.Deleted && t.Countable)
            {
                if (t.Length > index)
                {
                    return Create(type, new Id(t.Client, t.Clock + index), assoc);
                }
                index -= t.Length;
            }
            if (t.Right is null && assoc < 0)
            {
                return Create(type, t.LastId, assoc);
            }
        }
        return Create(type, null, assoc);
    }

    private static RelativePosition Create(YType type, Id? item, int assoc) =>
        type.ItemInternal is { } typeItem
            ? new RelativePosition(new Id(typeItem.Client, typeItem.Clock), null, item, assoc)
            : new RelativePosition(null, type.RootName, item, assoc);

    /// <summary>
    /// Where the position is now in <paramref name="doc"/> (yjs's
    /// <c>createAbsolutePositionFromRelativePosition</c>), or null when the document does not
    /// have the unit or type yet, or it was garbage-collected.
    /// </summary>
    public AbsolutePosition? ToAbsolutePosition(YDoc doc) => ToAbsolutePosition(doc, followUndoneDeletions: true);

    /// <summary>
    /// As <see cref="ToAbsolutePosition(YDoc)"/>; with <paramref name="followUndoneDeletions"/>
    /// (yjs's default) a position in content that an <see cref="UndoManager"/> deleted and brought
    /// back resolves in the copy it brought back. Only the undoing document knows those copies:
    /// pass false for results every peer agrees on.
    /// </summary>
    public AbsolutePosition? ToAbsolutePosition(YDoc doc, bool followUndoneDeletions)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var store = doc.Store;
        YType type;
        int index = 0;
        if (Item is { } rightId)
        {
            if (store.GetState(rightId.Client) <= rightId.Clock)
            {
                return null;
            }
            var (found, diff) = followUndoneDeletions ? Internal.UndoRedo.FollowRedone(store, rightId) : (store.Find(rightId), 0);
            if (found is not Item right || right.Parent is null)
            {
                return null;
            }
            if (!followUndoneDeletions)
            {
                diff = rightId.Clock - right.Clock;
            }
            type = right.Parent;
            if (type.ItemInternal is null || !type.ItemInternal.Deleted)
            {
                index = right.Deleted || !right.Countable ? 0 : (int)diff + (Assoc >= 0 ? 0 : 1);
                for (var n = right.Left; n is not null; n = n.Left)
                {
                    if (!n.Deleted && n.Countable)
                    {
                        index += n.Length;
                    }
                }
            }
        }
        else
        {
            if (TypeName is { } name)
            {
                type = doc.TryGetRoot(name) ?? doc.GetOrCreateRoot(name);
            }
            else if (Type is { } typeId)
            {
                if (store.GetState(typeId.Client) <= typeId.Clock)
                {
                    return null;
                }
                var typeItem = followUndoneDeletions ? Internal.UndoRedo.FollowRedone(store, typeId).Struct : store.Find(typeId);
                if (typeItem is Item { Content: Internal.Content.ContentType content })
                {
                    type = content.Type;
                }
                else
                {
                    return null;
                }
            }
            else
            {
                throw new InvalidOperationException("a relative position needs an item, a type name or a type id");
            }
            index = Assoc >= 0 ? type.LengthInternal : 0;
        }
        return new AbsolutePosition(type, index, Assoc);
    }

    /// <summary>yjs's <c>encodeRelativePosition</c>: a kind (0 item, 1 root name, 2 type id), the id or name, then <c>varInt(assoc)</c>.</summary>
    public byte[] Encode()
    {
        using var writer = new Lib0Writer(32);
        if (Item is { } item)
        {
            writer.WriteVarUint(0);
            writer.WriteVarUint(item.Client);
            writer.WriteVarUint(item.Clock);
        }
        else if (TypeName is { } name)
        {
            writer.WriteByte(1);
            writer.WriteVarString(name);
        }
        else if (Type is { } type)
        {
            writer.WriteByte(2);
            writer.WriteVarUint(type.Client);
            writer.WriteVarUint(type.Clock);
        }
        else
        {
            throw new InvalidOperationException("a relative position needs an item, a type name or a type id");
        }
        writer.WriteVarInt(Assoc);
        return writer.ToArray();
    }

    /// <summary>
    /// yjs's <c>decodeRelativePosition</c> (a missing association is 0). Malformed input, or a kind
    /// yjs could not resolve either, raises <see cref="UpdateFormatException"/>.
    /// </summary>
    public static RelativePosition Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new Lib0Reader(bytes);
        Id? type = null, item = null;
        string? name = null;
        long kind = reader.ReadVarUint();
        switch (kind)
        {
            case 0:
                item = new Id(reader.ReadVarUint(), reader.ReadVarUint());
                break;
            case 1:
                name = reader.ReadVarString();
                break;
            case 2:
                type = new Id(reader.ReadVarUint(), reader.ReadVarUint());
                break;
            default:
                ThrowHelper.Format($"unknown relative position kind {kind}", 0);
                break;
        }
        int assoc = 0;
        if (reader.HasContent)
        {
            int at = reader.Position;
            long a = reader.ReadVarInt(out _);
            if (a < int.MinValue || a > int.MaxValue)
            {
                ThrowHelper.Format($"association {a} is out of range", at);
            }
            assoc = (int)a;
        }
        return new RelativePosition(type, name, item, assoc);
    }

    /// <summary>yjs's <c>relativePositionToJSON</c> as JSON text: <c>{"type":{"client","clock"},"tname","item":{…},"assoc"}</c>, absent parts (and an empty name) left out.</summary>
    public string ToJson()
    {
        var sb = new StringBuilder("{");
        void Sep()
        {
            if (sb.Length > 1)
            {
                sb.Append(',');
            }
        }
        if (Type is { } type)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\"type\":{{\"client\":{type.Client},\"clock\":{type.Clock}}}");
        }
        if (!string.IsNullOrEmpty(TypeName))
        {
            Sep();
            sb.Append("\"tname\":").Append(JsonSerializer.Serialize(TypeName));
        }
        if (Item is { } item)
        {
            Sep();
            sb.Append(CultureInfo.InvariantCulture, $"\"item\":{{\"client\":{item.Client},\"clock\":{item.Clock}}}");
        }
        Sep();
        sb.Append(CultureInfo.InvariantCulture, $"\"assoc\":{Assoc}");
        return sb.Append('}').ToString();
    }

    /// <summary>yjs's <c>createRelativePositionFromJSON</c>.</summary>
    public static RelativePosition FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        static Id? IdOf(JsonElement root, string name) =>
            root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object
                ? new Id(v.GetProperty("client").GetInt64(), v.GetProperty("clock").GetInt64())
                : null;
        string? tname = root.TryGetProperty("tname", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        int assoc = root.TryGetProperty("assoc", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetInt32() : 0;
        return new RelativePosition(IdOf(root, "type"), tname, IdOf(root, "item"), assoc);
    }

    /// <summary>yjs's <c>compareRelativePositions</c>.</summary>
    public bool Equals(RelativePosition? other) =>
        other is not null && (ReferenceEquals(this, other)
            || (TypeName == other.TypeName && Item == other.Item && Type == other.Type && Assoc == other.Assoc));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RelativePosition);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, TypeName, Item, Assoc);

    /// <inheritdoc />
    public override string ToString() => ToJson();
}
