using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Types;
using CrdtCollab.Property.Tests.Oracle;
using Xunit;

namespace CrdtCollab.Property.Tests.Golden;

/// <summary>
/// Relative positions against golden.json's <c>relativePositions</c> (generate.mjs, real yjs): for
/// every index and assoc 0 / −1 of a root text, a root array, a nested text and an empty text,
/// <see cref="RelativePosition.FromTypeIndex"/> gives yjs's encoded bytes and JSON and resolves to
/// yjs's index, and the decoded bytes resolve to yjs's index (or null) after further edits.
/// </summary>
public sealed class GoldenRelativePositionTests
{
    public static TheoryData<string> Cases => GoldenData.RelativePositionNames();

    private static YType TypeAt(YDoc doc, string[] path) => path.Length == 1
        ? path[0] == "a" ? doc.GetArray(path[0]) : doc.GetText(path[0])
        : (YType)doc.GetMap(path[0]).Get(path[1])!;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Positions_match_yjs(string name)
    {
        var c = GoldenData.RelativePositions.Single(x => (string)x["name"]! == name);
        var path = c["path"]!.AsArray().Select(p => (string)p!).ToArray();
        var doc = new YDoc(new YDocOptions { ClientId = 99 });
        doc.ApplyUpdate(GoldenData.Bytes(c["state"]));
        var type = TypeAt(doc, path);
        var after = new YDoc(new YDocOptions { ClientId = 98 });
        after.ApplyUpdate(GoldenData.Bytes(c["afterState"]));
        foreach (var p in c["positions"]!.AsArray())
        {
            int index = (int)p!["index"]!, assoc = (int)p["assoc"]!;
            var what = $"{name} index {index} assoc {assoc}";
            var rpos = RelativePosition.FromTypeIndex(type, index, assoc);
            Assert.True((string)p["bytes"]! == Wire.Hex(rpos.Encode()), what);
            Assert.True((string)p["json"]! == rpos.ToJson(), $"{what}: {rpos.ToJson()}");
            Assert.Equal((string)p["bytes"]!, Wire.Hex(RelativePosition.Decode(GoldenData.Bytes(p["bytes"])).Encode()));
            Assert.Equal(rpos, RelativePosition.FromJson(rpos.ToJson()));
            Assert.True((int?)p["nowIndex"] == rpos.ToAbsolutePosition(doc)?.Index, what);

            var resolved = RelativePosition.Decode(GoldenData.Bytes(p["bytes"])).ToAbsolutePosition(after);
            Assert.True((int?)p["afterIndex"] == resolved?.Index, $"{what} after edits: yjs {(int?)p["afterIndex"]}, C# {resolved?.Index}");
            if (resolved is not null)
            {
                var typeId = resolved.Type.Parent is null ? "root" : $"{RelativePosition.FromTypeIndex(resolved.Type, 0, -1).Type!.Value.Client},{RelativePosition.FromTypeIndex(resolved.Type, 0, -1).Type!.Value.Clock}";
                Assert.Equal((string)p["afterType"]!, typeId);
                Assert.Equal(assoc, resolved.Assoc);
            }
        }
    }
}
