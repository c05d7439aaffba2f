using System.Numerics;
using CrdtCollab.Property.Tests.Oracle;
using Xunit;
using Xunit.Abstractions;

namespace CrdtCollab.Property.Tests.Golden;

/// <summary>
/// Spec §11.2 layer 5 on the golden cases: the same API calls on a C# doc with the case's client
/// id must emit yjs's updates byte for byte (push vs insert, text vs array anchoring, Any packing,
/// formatting markers), and end in yjs's state. Each C# body mirrors the case's <c>code</c>.
/// </summary>
public sealed class LocalParityTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, Action<YDoc>> Bodies = new()
    {
        ["text-insert-abc"] = d => d.GetText("text").Insert(0, "abc"),
        ["text-delete-then-append"] = d =>
        {
            var t = d.GetText("text");
            t.Insert(0, "abc");
            t.Delete(1, 1);
            t.Insert(2, "d");
        },
        ["map-number-string-object-overwrite"] = d =>
        {
            var m = d.GetMap("map");
            m.Set("num", 42L);
            m.Set("str", "hi");
            m.Set("obj", new Dictionary<string, object?> { ["a"] = 1L, ["b"] = new List<object?> { true, null } });
            m.Set("num", 43L);
        },
        ["map-value-zoo"] = d =>
        {
            var m = d.GetMap("m");
            d.Transact(_ =>
            {
                m.Set("f", 1.5);
                m.Set("f", false);
                m.Set("d", 0.1);
                m.Set("big", BigInteger.Pow(2, 40));
                m.Set("neg", -5L);
                m.Set("large", 2147483648.0);
                m.Set("bin", new byte[] { 1, 2, 3 });
                m.Set("u", Undefined.Value);
                m.Set("nul", null);
            });
        },
        ["any-edge-numbers-and-keys"] = d => d.GetArray("a").Push(
            2147483647L, -2147483647L, 2147483648L, -2147483648L, 9007199254740992.0, 0.5, 0.1, -0.0, double.NaN,
            double.PositiveInfinity, double.NegativeInfinity,
            new Dictionary<string, object?> { ["1"] = "one", ["b"] = 2L, ["0"] = "zero", ["a"] = new List<object?> { 1L, "x" } },
            new string('x', 200), "a😀b",
            new Dictionary<string, object?> { ["nested"] = new Dictionary<string, object?> { ["big"] = BigInteger.Parse("12345678901234567890", System.Globalization.CultureInfo.InvariantCulture) } }),
        ["array-push-binary"] = d =>
        {
            var a = d.GetArray("arr");
            a.Push(1L, "two", new Dictionary<string, object?> { ["three"] = 3L });
            a.Push(new byte[] { 9 }, 5L);
        },
        ["array-push-after-trailing-delete"] = d =>
        {
            var a = d.GetArray("arr");
            a.Push(1L, 2L, 3L);
            a.Delete(2, 1);
            a.Push(4L);
        },
        ["array-insert-after-trailing-delete"] = d =>
        {
            var a = d.GetArray("arr");
            a.Push(1L, 2L, 3L);
            a.Delete(2, 1);
            a.Insert(2, 4L);
        },
        ["text-insert-after-deleted-element"] = d =>
        {
            var t = d.GetText("text");
            t.Insert(0, "abc");
            t.Delete(1, 1);
            t.Insert(1, "X");
        },
        ["array-insert-after-deleted-element"] = d =>
        {
            var a = d.GetArray("arr");
            a.Push("a", "b", "c");
            a.Delete(1, 1);
            a.Insert(1, "X");
        },
        ["nested-array-deleted-gc"] = NestedArrayDeleted,
        ["nested-array-deleted-no-gc"] = NestedArrayDeleted,
        ["text-deleted-no-gc"] = d =>
        {
            var t = d.GetText("text");
            t.Insert(0, "abc");
            t.Delete(1, 1);
        },
        ["nested-types-all-kinds"] = d =>
        {
            var m = d.GetMap("m");
            m.Set("arr", new YArray());
            m.Set("map", new YMap());
            m.Set("text", new YText());
            var arr = (YArray)m.Get("arr")!;
            var map = (YMap)m.Get("map")!;
            var text = (YText)m.Get("text")!;
            arr.Push(1L, new YMap());
            ((YMap)arr.Get(1)!).Set("deep", "yes");
            map.Set("t", new YText());
            ((YText)map.Get("t")!).Insert(0, "hi");
            text.Insert(0, "nested", Attrs("bold", true));
        },
        ["text-format-bold"] = d =>
        {
            var t = d.GetText("t");
            t.Insert(0, "hello");
            t.Format(1, 2, Attrs("bold", true));
        },
        ["text-insert-italic-and-embed"] = d =>
        {
            var t = d.GetText("t");
            t.Insert(0, "ab", Attrs("italic", true));
            t.InsertEmbed(2, new Dictionary<string, object?> { ["image"] = "x.png" });
        },
        ["text-format-past-end-appends-newline"] = d =>
        {
            var t = d.GetText("t");
            t.Insert(0, "ab");
            t.Format(1, 5, Attrs("color", "#f00"));
        },
        ["text-insert-negates-attributes-in-js-map-order"] = d =>
        {
            var t = d.GetText("t");
            t.Insert(0, "ABCD", new Dictionary<string, object?> { ["italic"] = true, ["size"] = 14L });
            t.Format(1, 1, Attrs("italic", null));
            t.Insert(3, "x", Attrs("bold", true));
        },
        ["surrogate-pair-split-by-delete"] = d =>
        {
            var t = d.GetText("t");
            t.Insert(0, "a😀b");
            t.Delete(2, 1);
        },
        ["three-transactions-merged-in-store"] = d =>
        {
            var t = d.GetText("t");
            t.Insert(0, "a");
            t.Insert(1, "b");
            t.Insert(2, "c");
        },
        ["xml-element-text-attribute"] = d =>
        {
            var f = d.GetXmlFragment("xml");
            d.Transact(_ =>
            {
                var el = new YXmlElement("p");
                f.Insert(0, el);
                var xt = new YXmlText();
                el.Insert(0, xt);
                xt.Insert(0, "hi");
                el.SetAttribute("class", "c");
            });
        },
        ["xml-hook"] = d => d.GetXmlFragment("x").Insert(0, new YXmlHook("h")),
        ["map-set-twice"] = d =>
        {
            var m = d.GetMap("m");
            m.Set("k", 1L);
            m.Set("k", 2L);
        },
        ["insert-and-delete-one-transaction"] = d => d.Transact(_ =>
        {
            d.GetText("t").Insert(0, "abc");
            d.GetText("t").Delete(1, 1);
        }),
        ["subdoc-in-map"] = d => d.GetMap("m").Set("doc", new YSubdocument("sub-1")),
        ["subdoc-in-array-with-opts"] = d => d.GetArray("a").Push(new YSubdocument("g", new Dictionary<string, object?>
        {
            ["gc"] = false, ["autoLoad"] = true, ["meta"] = new Dictionary<string, object?> { ["k"] = 1L },
        })),
        ["gc-struct-from-deleted-subtree"] = d =>
        {
            var a = d.GetArray("a");
            a.Push(new YMap(), "keep");
            var m = (YMap)a.Get(0)!;
            m.Set("x", "y");
            m.Set("t", new YText());
            ((YText)m.Get("t")!).Insert(0, "inner");
            a.Delete(0, 1);
        },
    };

    public static TheoryData<string> Cases
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in Bodies.Keys)
            {
                data.Add(name);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Same_calls_emit_yjs_updates(string name)
    {
        var c = GoldenData.Case(name);
        output.WriteLine($"yjs {GoldenData.YjsVersion}, §{(string?)c["section"]}\n{(string?)c["code"]}");
        var doc = new YDoc(new YDocOptions { ClientId = c["clientID"]!.GetValue<uint>(), Gc = c["gc"]!.GetValue<bool>() });
        var emitted = new List<string>();
        doc.UpdateV1 += (_, e) => emitted.Add(Wire.Hex(e.Update));
        Bodies[name](doc);
        var expected = c["updates"]!.AsArray().Select(u => (string)u!).ToList();
        Assert.Equal(expected, emitted);
        Assert.Equal((string)c["state"]!, Wire.Hex(doc.EncodeStateAsUpdate()));
        Assert.Equal((string)c["stateVector"]!, Wire.Hex(doc.EncodeStateVector()));
        if (!((string)c["json"]!).Contains("$bigint", StringComparison.Ordinal))
        {
            Assert.Equal((string)c["json"]!, DocJson.Of(doc, GoldenData.Roots(c)));
        }
    }

    private static void NestedArrayDeleted(YDoc d)
    {
        var m = d.GetMap("m");
        m.Set("list", new YArray());
        ((YArray)m.Get("list")!).Push("x");
        m.Delete("list");
    }

    private static Dictionary<string, object?> Attrs(string key, object? value) => new() { [key] = value };
}
