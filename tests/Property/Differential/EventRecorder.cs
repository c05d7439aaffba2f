using System.Text.Json.Nodes;
using CrdtCollab.Property.Tests.Oracle;

namespace CrdtCollab.Property.Tests.Differential;

/// <summary>
/// The C# half of the oracle's <c>watch</c>: observe and observeDeep on every root, an
/// AfterTransaction listener, each handler reading every event's path, delta and keys (in that
/// order, as the oracle does: reading a text delta can delete redundant formatting) and logging
/// them in the oracle's JSON shape.
/// </summary>
public sealed class EventRecorder
{
    private readonly List<IDisposable> _subscriptions = [];

    public JsonArray Log { get; private set; } = [];

    public void Watch(YDoc doc, IReadOnlyDictionary<string, string> roots)
    {
        foreach (var name in roots.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            var t = DocJson.Root(doc, name, roots[name]);
            _subscriptions.Add(t.Observe((e, tr) =>
            {
                var o = new JsonObject { ["k"] = "o", ["root"] = name };
                Serialize(e, o);
                o["local"] = tr.Local;
                o["origin"] = tr.Origin as string;
                Log.Add(o);
            }));
            _subscriptions.Add(t.ObserveDeep((events, tr) =>
            {
                var list = new JsonArray();
                foreach (var e in events)
                {
                    var x = new JsonObject();
                    Serialize(e, x);
                    list.Add(x);
                }

                Log.Add(new JsonObject { ["k"] = "d", ["root"] = name, ["events"] = list, ["local"] = tr.Local, ["origin"] = tr.Origin as string });
            }));
        }

        doc.AfterTransaction += (_, a) => Log.Add(new JsonObject { ["k"] = "a", ["local"] = a.Transaction.Local, ["origin"] = a.Transaction.Origin as string });
    }

    public void Unwatch()
    {
        foreach (var s in _subscriptions)
        {
            s.Dispose();
        }

        _subscriptions.Clear();
    }

    public JsonArray Take()
    {
        var log = Log;
        Log = [];
        return log;
    }

    public static string? TypeTag(object v) => v switch
    {
        YXmlText => "xmlText",
        YText => "text",
        YXmlHook h => "xmlHook:" + h.HookName,
        YMap => "map",
        YArray => "array",
        YXmlElement x => "xmlElement:" + x.NodeName,
        YXmlFragment => "xmlFragment",
        YType => "abstract",
        _ => null,
    };

    private static void Serialize(YEvent e, JsonObject into)
    {
        into["path"] = new JsonArray(e.Path.Select(p => p is int i ? (JsonNode)i : (string)p).ToArray());
        var delta = new JsonArray();
        foreach (var op in e.Delta)
        {
            var o = new JsonObject();
            switch (op.Kind)
            {
                case YEventOpKind.Insert:
                    o["insert"] = Wire.ToWire(op.Insert, TypeTag);
                    break;
                case YEventOpKind.Retain:
                    o["retain"] = op.Length;
                    break;
                default:
                    o["delete"] = op.Length;
                    break;
            }

            if (op.Attributes is not null)
            {
                o["attributes"] = Wire.ToWire(op.Attributes.ToDictionary(kv => kv.Key, kv => kv.Value), TypeTag);
            }

            delta.Add(o);
        }

        into["delta"] = delta;
        var keys = new JsonArray();
        foreach (var (key, change) in e.Keys)
        {
            keys.Add(new JsonArray(key, change.Action.ToString().ToLowerInvariant(),
                change.Action == YEventKeyAction.Add ? new JsonObject { ["$undefined"] = true } : Wire.ToWire(change.OldValue, TypeTag)));
        }

        into["keys"] = keys;
    }
}
