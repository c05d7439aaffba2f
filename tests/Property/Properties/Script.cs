using System.Globalization;
using System.Text;

namespace CrdtCollab.Property.Tests.Properties;

// An editing session is generated as data (a script), not as documents, so that FsCheck can
// shrink it and print a counterexample a person can replay by hand. Positions, lengths and
// targets are raw numbers taken modulo what exists when the step runs: every shrunk script is
// still valid.

/// <summary>A value to insert: a plain JSON-like value or a new (preliminary) shared type.</summary>
public abstract record Val
{
    /// <summary>A fresh engine value (preliminary types can be inserted only once).</summary>
    public abstract object? Materialize();
}

/// <summary>A plain value: null, bool, long, double, string, byte[], list or dictionary.</summary>
public sealed record Prim(object? Value) : Val
{
    public override object? Materialize() => Copy(Value);

    private static object? Copy(object? v) => v switch
    {
        byte[] b => b.ToArray(),
        List<object?> l => l.Select(Copy).ToList(),
        Dictionary<string, object?> d => d.ToDictionary(kv => kv.Key, kv => Copy(kv.Value)),
        _ => v,
    };

    public override string ToString() => Show.Value(Value);
}

/// <summary>A new YMap with initial entries.</summary>
public sealed record NewMap(IReadOnlyList<KeyValuePair<string, Val>> Entries) : Val
{
    public override object? Materialize() =>
        new YMap(Entries.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value.Materialize())));

    public override string ToString() => "YMap{" + string.Join(", ", Entries.Select(kv => $"{Show.Str(kv.Key)}: {kv.Value}")) + "}";
}

/// <summary>A new YArray with initial elements.</summary>
public sealed record NewArray(IReadOnlyList<Val> Items) : Val
{
    public override object? Materialize() => new YArray(Items.Select(v => v.Materialize()));

    public override string ToString() => "YArray[" + string.Join(", ", Items) + "]";
}

/// <summary>A new YText with initial text.</summary>
public sealed record NewText(string Text) : Val
{
    public override object? Materialize() => new YText(Text);

    public override string ToString() => $"YText({Show.Str(Text)})";
}

/// <summary>One formatting attribute; a null value removes it.</summary>
public sealed record Attr(string Key, object? Value)
{
    public Dictionary<string, object?> ToDictionary() => new() { [Key] = Value };

    public override string ToString() => $"{{{Key}: {Show.Value(Value)}}}";
}

/// <summary>
/// One edit on one shared type. <c>Target</c> picks, modulo their number, among the live types
/// of the right kind in the replica's document (roots first, then nested types in document order).
/// </summary>
public abstract record Op(int Target);

public sealed record TextInsert(int Target, int Pos, string Text, Attr? Attrs) : Op(Target)
{
    public override string ToString() => $"text[{Target}].insert({Pos}, {Show.Str(Text)}{(Attrs is null ? "" : ", " + Attrs)})";
}

public sealed record TextEmbed(int Target, int Pos, Prim Embed) : Op(Target)
{
    public override string ToString() => $"text[{Target}].insertEmbed({Pos}, {Embed})";
}

public sealed record TextDelete(int Target, int Pos, int Len) : Op(Target)
{
    public override string ToString() => $"text[{Target}].delete({Pos}, {Len})";
}

public sealed record TextFormat(int Target, int Pos, int Len, Attr Attr) : Op(Target)
{
    public override string ToString() => $"text[{Target}].format({Pos}, {Len}, {Attr})";
}

/// <summary>Inserts at <c>Pos</c>, or pushes when <c>Pos</c> is negative.</summary>
public sealed record ArrayInsert(int Target, int Pos, IReadOnlyList<Val> Values) : Op(Target)
{
    public override string ToString() => Pos < 0
        ? $"array[{Target}].push({string.Join(", ", Values)})"
        : $"array[{Target}].insert({Pos}, {string.Join(", ", Values)})";
}

public sealed record ArrayDelete(int Target, int Pos, int Len) : Op(Target)
{
    public override string ToString() => $"array[{Target}].delete({Pos}, {Len})";
}

public sealed record MapSet(int Target, string Key, Val Value) : Op(Target)
{
    public override string ToString() => $"map[{Target}].set({Show.Str(Key)}, {Value})";
}

public sealed record MapDelete(int Target, string Key) : Op(Target)
{
    public override string ToString() => $"map[{Target}].delete({Show.Str(Key)})";
}

/// <summary>A step of a multi-replica session.</summary>
public abstract record Step(int Replica);

/// <summary>One local transaction on a replica.</summary>
public sealed record Edit(int Replica, IReadOnlyList<Op> Ops) : Step(Replica)
{
    public override string ToString() => $"r{Replica}: " + (Ops.Count == 1 ? Ops[0].ToString() : "transact { " + string.Join("; ", Ops) + " }");
}

/// <summary>
/// Delivers the message at <c>Pick</c> (modulo the inbox size) of the replica's inbox. With
/// <c>Duplicate</c> the message stays in the inbox, so it will arrive again later.
/// </summary>
public sealed record Deliver(int Replica, int Pick, bool Duplicate) : Step(Replica)
{
    public override string ToString() => $"r{Replica}: receive #{Pick}{(Duplicate ? " (and again later)" : "")}";
}

/// <summary>
/// A whole session: one replica per client id, the steps, and the seed of the order in which
/// the messages still in flight are delivered at the end.
/// </summary>
public sealed record Session(IReadOnlyList<long> Clients, bool Gc, IReadOnlyList<Step> Steps, int FlushSeed)
{
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Session(gc: {Gc}, clients: [{string.Join(", ", Clients)}], flushSeed: {FlushSeed}, {Steps.Count} steps)");
        foreach (var s in Steps)
        {
            sb.Append("\n    ").Append(s);
        }
        return sb.ToString();
    }
}

/// <summary>Short, unambiguous printing for counterexamples.</summary>
internal static class Show
{
    public static string Str(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in s)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\').Append(c);
            }
            else if (c < 0x20 || c > 0x7e)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.Append('"').ToString();
    }

    public static string Value(object? v) => v switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => Str(s),
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => double.IsNegative(d) && d == 0 ? "-0.0" : d.ToString("R", CultureInfo.InvariantCulture) + "d",
        byte[] bytes => "bytes[" + Convert.ToHexString(bytes) + "]",
        List<object?> list => "[" + string.Join(", ", list.Select(Value)) + "]",
        Dictionary<string, object?> dict => "{" + string.Join(", ", dict.Select(kv => $"{Str(kv.Key)}: {Value(kv.Value)}")) + "}",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "?",
    };
}
