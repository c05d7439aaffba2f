using System.Text.Json.Nodes;
using CrdtCollab.Property.Tests.Oracle;
using Xunit;

namespace CrdtCollab.Property.Tests.Golden;

/// <summary>golden.json, parsed once. See README.md beside it.</summary>
public static class GoldenData
{
    private static readonly Lazy<JsonObject> Root = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(OracleEnvironment.GoldenDir, "golden.json")))!.AsObject());

    public static string YjsVersion => (string)Root.Value["versions"]!["yjs"]!;

    public static IEnumerable<JsonObject> Cases => Root.Value["cases"]!.AsArray().Select(c => c!.AsObject());

    public static IEnumerable<JsonObject> Docless => Root.Value["docless"]!.AsArray().Select(c => c!.AsObject());

    public static IEnumerable<JsonObject> RelativePositions => Root.Value["relativePositions"]!.AsArray().Select(c => c!.AsObject());

    public static TheoryData<string> RelativePositionNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in RelativePositions)
        {
            data.Add((string)c["name"]!);
        }

        return data;
    }

    public static IEnumerable<JsonObject> Snapshots => Root.Value["snapshots"]!.AsArray().Select(c => c!.AsObject());

    public static TheoryData<string> SnapshotNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Snapshots)
        {
            data.Add((string)c["name"]!);
        }

        return data;
    }

    public static JsonObject Case(string name) => Cases.Single(c => (string)c["name"]! == name);

    public static JsonObject DoclessCase(string name) => Docless.Single(c => (string)c["name"]! == name);

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases)
        {
            data.Add((string)c["name"]!);
        }

        return data;
    }

    public static TheoryData<string> DoclessNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Docless)
        {
            data.Add((string)c["name"]!);
        }

        return data;
    }

    public static byte[] Bytes(JsonNode? hex) => Wire.FromHex((string)hex!);

    public static List<KeyValuePair<string, string>> Roots(JsonObject c) =>
        c["roots"]!.AsObject().Select(kv => new KeyValuePair<string, string>(kv.Key, (string)kv.Value!)).ToList();
}
