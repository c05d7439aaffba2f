using CrdtCollab.Integration.Tests.Support;
using YamlDotNet.Serialization;

namespace CrdtCollab.Integration.Tests.Operability;

/// <summary>Reads a YAML file of the deployment into plain maps and lists (YAML merge keys resolved).</summary>
internal static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static Dictionary<object, object> Load(params string[] repoPath) => LoadFile(RepoPaths.Of(repoPath));

    public static Dictionary<object, object> LoadFile(string path)
    {
        var text = File.ReadAllText(path);
        var parser = new YamlDotNet.Core.MergingParser(new YamlDotNet.Core.Parser(new StringReader(text)));
        return Deserializer.Deserialize<Dictionary<object, object>>(parser);
    }

    public static Dictionary<object, object> Map(this object? node, string key) =>
        node is Dictionary<object, object> map && map.TryGetValue(key, out var value) && value is Dictionary<object, object> child
            ? child
            : throw new InvalidOperationException($"expected a map at '{key}'");

    public static List<object> List(this object? node, string key) =>
        node is Dictionary<object, object> map && map.TryGetValue(key, out var value) && value is List<object> child
            ? child
            : throw new InvalidOperationException($"expected a list at '{key}'");

    public static string? Str(this object? node, string key) =>
        node is Dictionary<object, object> map && map.TryGetValue(key, out var value) ? value?.ToString() : null;

    public static bool Has(this object? node, string key) => node is Dictionary<object, object> map && map.ContainsKey(key);
}
