namespace CrdtCollab.Property.Tests.Differential;

/// <summary>
/// Random local transactions (spec §11.2 layer 3): text inserts with emoji, newlines and
/// attributes, deletes, formatting, embeds; array insert/push/delete; map set/delete; nested
/// Y.Map/Y.Array/Y.Text values. Ops are generated against a <see cref="DocShape"/> and simulated
/// on it, so every op of a transaction is valid where it runs.
/// </summary>
public sealed class OpGenerator(Random rng)
{
    private const int MaxDepth = 3;

    private static readonly string[] TextPieces =
    [
        "a", "b", "c", "xyz", "hello", " ", "\n", "😀", "👍🏽", "é", "日本", "\t", "line\n", "Ω", "🎉x", "\"q\"", "\\",
    ];

    private static readonly string[] MapKeys = ["a", "b", "c", "d", "k", "0", "1", "x y"];

    public List<EditOp> Transaction(DocShape shape)
    {
        var n = rng.Next(100) < 60 ? 1 : rng.Next(2, 6);
        var ops = new List<EditOp>(n);
        for (var i = 0; i < n; i++)
        {
            ops.Add(Op(shape));
        }

        return ops;
    }

    private EditOp Op(DocShape shape)
    {
        var containers = new List<(List<object> Path, Shape S)>();
        foreach (var (name, root) in shape.Roots)
        {
            Collect([name], root, containers);
        }

        // Favour roots a little so nested containers don't crowd them out.
        var pick = FormatHeavy && rng.Next(100) < 60 && shape.Roots.ContainsKey("text")
            ? shape.Roots.First(kv => kv.Key == "text")
            : shape.Roots.ElementAt(rng.Next(shape.Roots.Count));
        var (path, s) = rng.Next(100) < (FormatHeavy ? 70 : 40) ? ([pick.Key], pick.Value) : containers[rng.Next(containers.Count)];
        return s switch
        {
            TextShape t => TextOp(path, t),
            ArrayShape a => ArrayOp(path, a),
            MapShape m => MapOp(path, m),
            XmlShape x => XmlOp(path, x),
            _ => throw new InvalidOperationException(),
        };
    }

    private static void Collect(List<object> path, Shape s, List<(List<object>, Shape)> into)
    {
        into.Add((path, s));
        switch (s)
        {
            case ArrayShape a:
                for (var i = 0; i < a.Items.Count; i++)
                {
                    if (a.Items[i] is { } c)
                    {
                        Collect([.. path, i], c, into);
                    }
                }

                break;
            case XmlShape x:
                for (var i = 0; i < x.Children.Count; i++)
                {
                    if (x.Children[i] is { } c)
                    {
                        Collect([.. path, i], c, into);
                    }
                }

                break;
            case MapShape m:
                foreach (var (k, v) in m.Entries)
                {
                    if (v is not null)
                    {
                        Collect([.. path, k], v, into);
                    }
                }

                break;
        }
    }

    private EditOp TextOp(List<object> path, TextShape t)
    {
        // Formatting-heavy sessions make concurrent markers, and so §9.3 cleanups, common.
        var r = rng.Next(100);
        var insertBelow = FormatHeavy ? 35 : 50;
        var deleteBelow = FormatHeavy ? 50 : 80;
        if (t.Len == 0 || r < insertBelow)
        {
            // Now and then the same spot every peer is likely to pick: concurrent inserts at one place.
            var index = rng.Next(100) < 15 ? TextIndex(t, rng.Next(3) switch { 0 => 0, 1 => t.Len, _ => t.Len / 2 }, exact: true) : TextIndex(t, t.Len + 1);
            if (rng.Next(100) < 5)
            {
                t.Str.Insert(index, '\uFFFC');
                return new EditOp { Kind = "text.insertEmbed", Path = path, Index = index, Value = new Dictionary<string, object?> { ["image"] = rng.Next(2) == 0 ? "a.png" : "b.png" } };
            }

            var text = RandomText();
            t.Str.Insert(index, text);
            return new EditOp { Kind = "text.insert", Path = path, Index = index, Text = text, Attrs = rng.Next(100) < (FormatHeavy ? 50 : 20) ? RandomAttrs() : null };
        }

        var start = TextIndex(t, t.Len);
        var end = Math.Min(t.Len, start + 1 + rng.Next(r < deleteBelow ? 6 : 8));
        while (!t.IsBoundary(end) && !SplitsSurrogates)
        {
            end++;
        }

        if (r < deleteBelow)
        {
            t.Str.Remove(start, end - start);
            return new EditOp { Kind = "text.delete", Path = path, Index = start, Len = end - start };
        }

        return new EditOp { Kind = "text.format", Path = path, Index = start, Len = end - start, Attrs = RandomAttrs() };
    }

    /// <summary>
    /// Whether ops may land between the halves of a surrogate pair. yjs then rewrites both halves
    /// to U+FFFD in the splitting doc only (spec §3.7), so yjs peers themselves stop converging;
    /// sessions that allow it skip the convergence checks and keep the C#-vs-yjs replay checks.
    /// </summary>
    public bool SplitsSurrogates { get; init; }

    /// <summary>Prefer text roots, formatting and attributed inserts.</summary>
    public bool FormatHeavy { get; init; }

    /// <summary>A random position in [0, bound) (or exactly <paramref name="bound"/>) that is not inside a surrogate pair (unless allowed).</summary>
    private int TextIndex(TextShape t, int bound, bool exact = false)
    {
        var i = exact ? bound : rng.Next(bound);
        while (!SplitsSurrogates && !t.IsBoundary(i))
        {
            i--;
        }

        return i;
    }

    private string RandomText()
    {
        var n = 1 + rng.Next(4);
        var s = "";
        for (var i = 0; i < n; i++)
        {
            s += TextPieces[rng.Next(TextPieces.Length)];
        }

        return s;
    }

    private Dictionary<string, object?> RandomAttrs()
    {
        var a = new Dictionary<string, object?>();
        var n = 1 + rng.Next(2);
        for (var i = 0; i < n; i++)
        {
            switch (rng.Next(7))
            {
                case 0:
                case 1:
                    a["bold"] = rng.Next(4) == 0 ? null : true;
                    break;
                case 2:
                    a["italic"] = rng.Next(4) == 0 ? null : true;
                    break;
                case 3:
                case 4:
                    a["color"] = rng.Next(3) switch { 0 => "#f00", 1 => "#0f0", _ => null };
                    break;
                case 5:
                    a["size"] = rng.Next(3) == 0 ? 12.5 : 14L;
                    break;
                default:
                    a["link"] = new Dictionary<string, object?> { ["href"] = "https://x.test/" + rng.Next(3) };
                    break;
            }
        }

        return a;
    }

    private EditOp ArrayOp(List<object> path, ArrayShape a)
    {
        var depth = path.Count;
        var r = rng.Next(100);
        if (a.Items.Count == 0 || r < 60)
        {
            var values = new List<object?>();
            var n = 1 + rng.Next(3);
            for (var i = 0; i < n; i++)
            {
                values.Add(rng.Next(100) < 20 && depth < MaxDepth ? RandomNewType() : RandomArrayValue());
            }

            var push = rng.Next(100) < 30;
            var index = push ? a.Items.Count : rng.Next(a.Items.Count + 1);
            a.Items.InsertRange(index, values.Select(Shape.FromNew));
            return push
                ? new EditOp { Kind = "array.push", Path = path, Values = values }
                : new EditOp { Kind = "array.insert", Path = path, Index = index, Values = values };
        }

        {
            var index = rng.Next(a.Items.Count);
            var len = 1 + rng.Next(Math.Min(a.Items.Count - index, 3));
            a.Items.RemoveRange(index, len);
            return new EditOp { Kind = "array.delete", Path = path, Index = index, Len = len };
        }
    }

    private EditOp MapOp(List<object> path, MapShape m)
    {
        if (m.Entries.Count > 0 && rng.Next(100) < 20)
        {
            var key = m.Entries.Keys.ElementAt(rng.Next(m.Entries.Count));
            m.Entries.Remove(key);
            return new EditOp { Kind = "map.delete", Path = path, Key = key };
        }

        var k = MapKeys[rng.Next(MapKeys.Length)];
        var value = rng.Next(100) < 25 && path.Count < MaxDepth ? RandomNewType() : RandomMapValue();
        m.Entries[k] = Shape.FromNew(value);
        return new EditOp { Kind = "map.set", Path = path, Key = k, Value = value };
    }

    private static readonly string[] XmlNames = ["p", "div", "b"];
    private static readonly string[] XmlAttrNames = ["class", "id", "data-x"];

    private EditOp XmlOp(List<object> path, XmlShape x)
    {
        var r = rng.Next(100);
        if (x.IsElement && r < 25)
        {
            if (x.Attrs.Count > 0 && rng.Next(3) == 0)
            {
                var name = x.Attrs.ElementAt(rng.Next(x.Attrs.Count));
                x.Attrs.Remove(name);
                return new EditOp { Kind = "xml.removeAttribute", Path = path, Key = name };
            }

            var key = XmlAttrNames[rng.Next(XmlAttrNames.Length)];
            x.Attrs.Add(key);
            return new EditOp { Kind = "xml.setAttribute", Path = path, Key = key, Value = RandomText() };
        }

        if (x.Children.Count > 0 && r < 45)
        {
            var index = rng.Next(x.Children.Count);
            var len = 1 + rng.Next(Math.Min(x.Children.Count - index, 2));
            x.Children.RemoveRange(index, len);
            return new EditOp { Kind = "xml.delete", Path = path, Index = index, Len = len };
        }

        var nodes = new List<object?>();
        for (var i = 1 + rng.Next(2); i > 0; i--)
        {
            nodes.Add(rng.Next(2) == 0 || path.Count >= MaxDepth + 1 ? new NewType("xmlText") : new NewType("xmlElement:" + XmlNames[rng.Next(XmlNames.Length)]));
        }

        var at = rng.Next(x.Children.Count + 1);
        x.Children.InsertRange(at, nodes.Select(Shape.FromNew));
        return new EditOp { Kind = "xml.insert", Path = path, Index = at, Values = nodes };
    }

    private NewType RandomNewType() => new(rng.Next(3) switch { 0 => "map", 1 => "array", _ => "text" });

    private object? RandomMapValue() => rng.Next(100) < 4 ? Undefined.Value : RandomArrayValue();

    /// <summary>Values yjs accepts at the top level of an array insert (no undefined, no bigint).</summary>
    private object? RandomArrayValue() => rng.Next(14) switch
    {
        0 => null,
        1 => rng.Next(2) == 0,
        2 => (long)rng.Next(-1000, 1000),
        3 => rng.Next(4) switch { 0 => 2147483647L, 1 => 2147483648L, 2 => -2147483649L, _ => 9007199254740991L },
        4 => rng.Next(5) switch { 0 => 0.5, 1 => 0.1, 2 => -2.75, 3 => 1e21, _ => 1.5e-7 },
        5 or 6 or 7 => RandomText(),
        8 => new byte[] { (byte)rng.Next(256), 0, 255 },
        9 => new List<object?> { 1L, "x", null, new List<object?> { true } },
        10 => new Dictionary<string, object?> { ["n"] = (long)rng.Next(10), ["s"] = RandomText(), ["nested"] = new Dictionary<string, object?> { ["ok"] = true } },
        11 => new Dictionary<string, object?> { ["b"] = 1L, ["1"] = "one", ["a"] = new List<object?>(), ["0"] = 0.25 },
        12 => 3.0,
        _ => "",
    };
}
