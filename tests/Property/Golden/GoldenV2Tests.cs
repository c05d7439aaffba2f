using CrdtCollab.Crdt;
using CrdtCollab.Property.Tests.Oracle;
using Xunit;

namespace CrdtCollab.Property.Tests.Golden;

/// <summary>
/// Update format V2 against golden.json's <c>v2</c> fields (generate.mjs, real yjs): every case's
/// updateV2 events, encodeStateAsUpdateV2 (whole and against a partial state vector),
/// applyUpdateV2 of the inputs, the V1↔V2 conversions and the doc-less V2 operations.
/// </summary>
public sealed class GoldenV2Tests
{
    private const uint ReplayClientId = 999_999;

    public static TheoryData<string> Cases => GoldenData.CaseNames();

    public static TheoryData<string> DoclessCases => GoldenData.DoclessNames();

    private static YDoc Fresh(System.Text.Json.Nodes.JsonObject c) =>
        new(new YDocOptions { ClientId = ReplayClientId, Gc = c["gc"]!.GetValue<bool>() });

    [Theory]
    [MemberData(nameof(Cases))]
    public void State_as_v2_matches_yjs(string name)
    {
        var c = GoldenData.Case(name);
        var doc = Fresh(c);
        foreach (var u in c["inputs"]!.AsArray())
        {
            doc.ApplyUpdate(GoldenData.Bytes(u));
        }

        var v2 = c["v2"]!;
        Assert.Equal((string)v2["replayState"]!, Wire.Hex(doc.EncodeStateAsUpdateV2()));
        Assert.Equal((string)v2["partial"]!, Wire.Hex(doc.EncodeStateAsUpdateV2(GoldenData.Bytes(c["partial"]!["sv"]))));
        if (c["replayState"] is null)
        {
            Assert.Equal((string)c["stateV2"]!, Wire.Hex(doc.EncodeStateAsUpdateV2()));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Applying_v2_inputs_reproduces_yjs_state(string name)
    {
        var c = GoldenData.Case(name);
        var doc = Fresh(c);
        foreach (var u in c["v2"]!["inputs"]!.AsArray())
        {
            doc.ApplyUpdateV2(GoldenData.Bytes(u));
        }

        Assert.Equal((string)c["v2"]!["replayStateV1"]!, Wire.Hex(doc.EncodeStateAsUpdate()));
        Assert.Equal((string)c["v2"]!["replayState"]!, Wire.Hex(doc.EncodeStateAsUpdateV2()));
        Assert.Equal((string)c["stateVector"]!, Wire.Hex(doc.EncodeStateVector()));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Update_v2_events_match_yjs(string name)
    {
        // A doc replaying the V1 inputs emits yjs's updateV2 events, byte for byte, and the
        // author's V2 events carry what its V1 events carry (BIT6 aside, which only a doc keeps).
        var c = GoldenData.Case(name);
        var doc = Fresh(c);
        var emitted = new List<string>();
        var emittedV1 = new List<byte[]>();
        doc.UpdateV2 += (_, e) => emitted.Add(Wire.Hex(e.Update));
        doc.UpdateV1 += (_, e) => emittedV1.Add(e.Update);
        foreach (var u in c["inputs"]!.AsArray())
        {
            doc.ApplyUpdate(GoldenData.Bytes(u), "remote");
        }

        Assert.Equal(c["v2"]!["replayUpdates"]!.AsArray().Select(u => (string)u!), emitted);
        Assert.Equal(emittedV1.Count, emitted.Count);
        for (int i = 0; i < emitted.Count; i++)
        {
            Assert.Equal(
                Wire.Hex(YUpdate.ConvertUpdateFormatV2ToV1(YUpdate.ConvertUpdateFormatV1ToV2(emittedV1[i]))),
                Wire.Hex(YUpdate.ConvertUpdateFormatV2ToV1(Wire.FromHex(emitted[i]))));
        }

        var v1 = c["updates"]!.AsArray().Select(u => GoldenData.Bytes(u)).ToList();
        var v2 = c["v2"]!["updates"]!.AsArray().Select(u => GoldenData.Bytes(u)).ToList();
        Assert.Equal(v1.Count, v2.Count);
        for (int i = 0; i < v1.Count; i++)
        {
            Assert.Equal(Wire.Hex(YUpdate.ConvertUpdateFormatV2ToV1(YUpdate.ConvertUpdateFormatV1ToV2(v1[i]))), Wire.Hex(YUpdate.ConvertUpdateFormatV2ToV1(v2[i])));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Conversions_and_docless_v2_match_yjs(string name)
    {
        var c = GoldenData.Case(name);
        var v2 = c["v2"]!;
        var state = GoldenData.Bytes(c["state"]);
        var stateV2 = GoldenData.Bytes(c["stateV2"]);
        var firstSv = GoldenData.Bytes(c["partial"]!["sv"]);
        Assert.Equal((string)v2["convertedState"]!, Wire.Hex(YUpdate.ConvertUpdateFormatV1ToV2(state)));
        Assert.Equal((string)v2["backToV1"]!, Wire.Hex(YUpdate.ConvertUpdateFormatV2ToV1(stateV2)));
        Assert.Equal((string)v2["mergedWithEmpty"]!, Wire.Hex(YUpdate.MergeUpdatesV2([stateV2, YUpdate.EmptyV2.ToArray()])));
        var inputs = v2["inputs"]!.AsArray().Select(u => GoldenData.Bytes(u)).ToList();
        if (inputs.Count == 1)
        {
            inputs.Add(YUpdate.EmptyV2.ToArray());
        }

        Assert.Equal((string)v2["mergedInputs"]!, Wire.Hex(YUpdate.MergeUpdatesV2(inputs)));
        Assert.Equal((string)v2["diff"]!, Wire.Hex(YUpdate.DiffUpdateV2(stateV2, firstSv)));
        Assert.Equal((string)v2["svFromState"]!, Wire.Hex(YUpdate.EncodeStateVectorFromUpdateV2(stateV2)));
        for (int i = 0; i < inputs.Count - 1 || (i == 0 && inputs.Count == 1); i++)
        {
            Assert.Equal((string)v2["inputs"]![i]!, Wire.Hex(YUpdate.ConvertUpdateFormatV1ToV2(GoldenData.Bytes(c["inputs"]![i]))));
        }
    }

    [Theory]
    [MemberData(nameof(DoclessCases))]
    public void Docless_v2_operation_matches_yjs(string name)
    {
        var c = GoldenData.DoclessCase(name);
        var inputs = c["inputsV2"]!.AsArray().Select(GoldenData.Bytes).ToList();
        var result = (string)c["op"]! switch
        {
            "merge" => YUpdate.MergeUpdatesV2(inputs),
            "diff" => YUpdate.DiffUpdateV2(inputs[0], GoldenData.Bytes(c["sv"])),
            "svFromUpdate" => YUpdate.EncodeStateVectorFromUpdateV2(inputs[0]),
            var op => throw new InvalidOperationException(op),
        };
        Assert.Equal((string)c["resultV2"]!, Wire.Hex(result));
    }

    [Fact]
    public void Spec_examples_decode_and_reencode()
    {
        // §4.9 annotated example and the pending delete set; §10.15 repeated keys.
        string[] examples =
        [
            "00 00 01 01 00 00 01 04 0a 07 74 65 78 74 61 62 63 04 03 01 01 00 00 01 01 00 00",
            "00 00 00 00 00 00 01 00 00 00 00 00 01 01 01 00 00",
            "00 03 00 03 01 02 41 09 06 00 04 02 46 04 02 04 00 02 04 02 07 04 00 84 02 46 00 c6 1f 17 74 61 62 63 64 65 66 62 6f 6c 64 62 6f 6c 64 62 6f 6c 64 62 6f 6c 64 41 00 02 01 02 44 02 01 01 00 00 01 08 00 78 7e 78 7e 00",
        ];
        foreach (var hex in examples)
        {
            var bytes = Wire.FromHex(hex);
            Assert.Equal(hex, Wire.Hex(YUpdate.ConvertUpdateFormatV1ToV2(YUpdate.ConvertUpdateFormatV2ToV1(bytes))));
        }

        var doc = new YDoc(new YDocOptions { ClientId = 5 });
        doc.ApplyUpdateV2(Wire.FromHex(examples[0]));
        Assert.Equal("abc", doc.GetText("text").ToString());
    }
}
