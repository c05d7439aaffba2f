using System.Text.Json.Nodes;
using Xunit;
using Xunit.Abstractions;

namespace CrdtCollab.Property.Tests.Oracle;

/// <summary>The oracle itself works: versions are pinned and §10.1 comes out byte for byte.</summary>
[Collection(YjsCollection.Name)]
public sealed class OracleSmokeTests(YjsOracleFixture fixture, ITestOutputHelper output)
{
    private readonly YjsOracle _oracle = fixture.Oracle;

    [Fact]
    public void Reports_pinned_yjs_version()
    {
        output.WriteLine(_oracle.VersionLine);
        Assert.StartsWith("13.6.", _oracle.YjsVersion, StringComparison.Ordinal);
    }

    [Fact]
    public void Reproduces_worked_example_10_1()
    {
        _oracle.NewDoc("smoke-10.1", 1);
        var emitted = _oracle.Transact("smoke-10.1", [new JsonObject { ["op"] = "text.insert", ["path"] = new JsonArray("text"), ["index"] = 0, ["text"] = "abc" }]);
        Assert.Equal("01 01 01 00 04 01 04 74 65 78 74 03 61 62 63 00", Wire.Hex(Assert.Single(emitted).Update));
        Assert.Equal("01 01 03", Wire.Hex(_oracle.StateVector("smoke-10.1")));
        Assert.Equal("{\"text\":\"abc\"}", _oracle.Json("smoke-10.1").Json);
        _oracle.Drop("smoke-10.1");
    }

    [Fact]
    public void Surfaces_errors_without_losing_the_process()
    {
        var ex = Assert.Throws<OracleException>(() => _oracle.Call("no-such-op"));
        Assert.Contains("unknown op", ex.Message, StringComparison.Ordinal);
        Assert.Equal("01 01 01", Wire.Hex(_oracle.StateVectorFromUpdate(Wire.FromHex("01 03 01 00 04 01 01 74 01 61 0a 01 84 01 01 01 63 00"))));
    }

    [Fact]
    public void Tagged_values_round_trip()
    {
        _oracle.NewDoc("smoke-tags", 7);
        var value = new Dictionary<string, object?>
        {
            ["f"] = 1.5, ["i"] = 42L, ["bin"] = new byte[] { 1, 2, 3 }, ["neg0"] = -0.0, ["u"] = CrdtCollab.Crdt.Undefined.Value,
            ["big"] = System.Numerics.BigInteger.Pow(2, 70), ["list"] = new List<object?> { null, true, "x" },
        };
        _oracle.Transact("smoke-tags", [new JsonObject { ["op"] = "map.set", ["path"] = new JsonArray("m"), ["key"] = "k", ["value"] = Wire.ToWire(value) }]);
        var (json, canonical) = _oracle.Json("smoke-tags", new Dictionary<string, string> { ["m"] = "map" });
        Assert.Equal(
            "{\"m\":{\"k\":{\"f\":1.5,\"i\":42,\"bin\":{\"0\":1,\"1\":2,\"2\":3},\"neg0\":0,\"big\":{\"$bigint\":\"1180591620717411303424\"},\"list\":[null,true,\"x\"]}}}",
            json);
        Assert.Equal(Wire.Canonical(json), canonical);
        _oracle.Drop("smoke-tags");
    }
}
