using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrdtCollab.Property.Tests.Oracle;

/// <summary>
/// Client for <c>oracle-js/oracle.mjs</c>: the real yjs in a long-lived Node process, spoken to
/// with newline-delimited JSON (spec §11.1). Requests are serialised; each has a timeout, and a
/// failure carries the tail of the process's stderr. A dead or timed-out process is restarted on
/// the next call (its documents are lost).
/// </summary>
public sealed class YjsOracle : IDisposable
{
    private const int StderrTailChars = 16 * 1024;

    private readonly Lock _gate = new();
    private readonly StringBuilder _stderr = new();
    private readonly Action<string>? _log;
    private Process? _process;
    private long _nextId;

    private YjsOracle(Action<string>? log)
    {
        _log = log;
    }

    /// <summary>Per-request timeout (override with CRDT_ORACLE_TIMEOUT_SECONDS).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("CRDT_ORACLE_TIMEOUT_SECONDS"), out var s) ? s : 120);

    /// <summary>The yjs package version the oracle runs (from its package.json).</summary>
    public string YjsVersion { get; private set; } = "?";

    /// <summary>"yjs 13.6.x, lib0 …, y-protocols …, node …": put it in test output.</summary>
    public string VersionLine { get; private set; } = "?";

    /// <summary>Number of round trips so far.</summary>
    public long RoundTrips => Interlocked.Read(ref _nextId);

    /// <summary>Installs node_modules if needed, starts the process and reads its versions.</summary>
    public static YjsOracle Start(Action<string>? log = null)
    {
        OracleEnvironment.EnsureInstalled(log);
        var oracle = new YjsOracle(log);
        oracle.StartProcess();
        return oracle;
    }

    private void StartProcess()
    {
        var psi = new ProcessStartInfo(OracleEnvironment.Node)
        {
            WorkingDirectory = OracleEnvironment.OracleDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        psi.ArgumentList.Add("--stack-size=8000");
        psi.ArgumentList.Add("oracle.mjs");
        var p = new Process { StartInfo = psi };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
                if (_stderr.Length > StderrTailChars)
                {
                    _stderr.Remove(0, _stderr.Length - StderrTailChars);
                }
            }
        };
        try
        {
            p.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            p.Dispose();
            throw new OracleException($"could not start '{OracleEnvironment.Node}' (is Node >= 18 on PATH? set CRDT_NODE)", e);
        }

        p.BeginErrorReadLine();
        _process = p;
        var hello = CallLocked("hello", new JsonObject(), Timeout);
        YjsVersion = (string?)hello["yjs"] ?? "?";
        VersionLine = $"yjs {YjsVersion}, lib0 {(string?)hello["lib0"]}, y-protocols {(string?)hello["yProtocols"]}, node {(string?)hello["node"]}";
        _log?.Invoke($"oracle: {VersionLine}");
    }

    /// <summary>Sends one request and returns the response; throws <see cref="OracleException"/> unless ok.</summary>
    public JsonObject Call(string op, JsonObject? args = null, TimeSpan? timeout = null)
    {
        var response = TryCall(op, args, timeout);
        if (response["ok"]?.GetValue<bool>() != true)
        {
            throw new OracleException($"oracle op '{op}' failed: {(string?)response["error"]}\n{(string?)response["stack"]}");
        }

        return response;
    }

    /// <summary>Sends one request and returns the response as is, <c>ok</c> true or false.</summary>
    public JsonObject TryCall(string op, JsonObject? args = null, TimeSpan? timeout = null)
    {
        lock (_gate)
        {
            if (_process is null || _process.HasExited)
            {
                _log?.Invoke("oracle: (re)starting the node process");
                DisposeProcess();
                StartProcess();
            }

            return CallLocked(op, args ?? new JsonObject(), timeout ?? Timeout);
        }
    }

    private JsonObject CallLocked(string op, JsonObject args, TimeSpan timeout)
    {
        var p = _process!;
        var id = Interlocked.Increment(ref _nextId);
        args["id"] = id;
        args["op"] = op;
        var line = args.ToJsonString();
        args.Remove("id");
        args.Remove("op");
        string? reply;
        try
        {
            p.StandardInput.WriteLine(line);
            p.StandardInput.Flush();
            var read = p.StandardOutput.ReadLineAsync();
            if (!read.Wait(timeout))
            {
                Fail($"oracle op '{op}' timed out after {timeout}", kill: true);
            }

            reply = read.Result;
        }
        catch (IOException e)
        {
            throw Failure($"oracle op '{op}': pipe error ({e.Message})", e);
        }

        if (reply is null)
        {
            Fail($"oracle op '{op}': the node process exited (code {(p.WaitForExit(2000) ? p.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?")})", kill: false);
        }

        JsonObject response;
        try
        {
            response = JsonNode.Parse(reply!)?.AsObject() ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw Failure($"oracle op '{op}': not a JSON response line: {Truncate(reply!, 400)}", e);
        }

        if (response["id"]?.GetValue<long>() != id)
        {
            Fail($"oracle op '{op}': response id {response["id"]} does not match request id {id}", kill: true);
        }

        return response;
    }

    private void Fail(string message, bool kill)
    {
        if (kill)
        {
            try
            {
                _process?.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }

        throw Failure(message, null);
    }

    private OracleException Failure(string message, Exception? inner)
    {
        Thread.Sleep(100); // let the stderr reader catch up with a crashing process
        string tail;
        lock (_stderr)
        {
            tail = _stderr.ToString();
        }

        var text = $"{message}\n--- oracle stderr (tail) ---\n{tail}";
        return inner is null ? new OracleException(text) : new OracleException(text, inner);
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n] + "…";

    /// <summary>The tail of the oracle's stderr (yjs warnings end up here).</summary>
    public string StderrTail()
    {
        lock (_stderr)
        {
            return _stderr.ToString();
        }
    }

    // ---- typed helpers over the ops of oracle.mjs ----

    /// <summary>Creates doc <paramref name="name"/> with an explicit client id (and pre-declared roots).</summary>
    public void NewDoc(string name, uint clientId, bool gc = true, IReadOnlyDictionary<string, string>? roots = null) =>
        Call("new", new JsonObject { ["doc"] = name, ["clientID"] = clientId, ["gc"] = gc, ["roots"] = Roots(roots) });

    /// <summary>Destroys doc <paramref name="name"/>.</summary>
    public void Drop(string name) => Call("drop", new JsonObject { ["doc"] = name });

    /// <summary>Destroys every doc.</summary>
    public void Reset() => Call("reset");

    /// <summary>Y.applyUpdate; returns every update the doc emitted during the call.</summary>
    public IReadOnlyList<EmittedUpdate> Apply(string doc, byte[] update) =>
        Emitted(Call("apply", new JsonObject { ["doc"] = doc, ["update"] = Convert.ToBase64String(update) }));

    /// <summary>Runs edit ops (tagged JSON, see oracle.mjs) in one transaction; returns the emitted updates.</summary>
    public IReadOnlyList<EmittedUpdate> Transact(string doc, JsonArray ops) =>
        Emitted(Call("transact", new JsonObject { ["doc"] = doc, ["ops"] = ops }));

    /// <summary>Y.encodeStateAsUpdate(doc, sv?).</summary>
    public byte[] State(string doc, byte[]? sv = null)
    {
        var args = new JsonObject { ["doc"] = doc };
        if (sv is not null)
        {
            args["sv"] = Convert.ToBase64String(sv);
        }

        return B64(Call("state", args)["update"]);
    }

    /// <summary>Y.encodeStateVector(doc).</summary>
    public byte[] StateVector(string doc) => B64(Call("sv", new JsonObject { ["doc"] = doc })["sv"]);

    /// <summary>JSON.stringify of each root's toJSON (yjs key order), and its sorted-key form.</summary>
    public (string Json, string Canonical) Json(string doc, IReadOnlyDictionary<string, string>? roots = null)
    {
        var args = new JsonObject { ["doc"] = doc };
        if (roots is not null)
        {
            args["roots"] = Roots(roots);
        }

        var r = Call("json", args);
        return ((string)r["json"]!, (string)r["canonical"]!);
    }

    /// <summary>Y.mergeUpdates.</summary>
    public byte[] Merge(IEnumerable<byte[]> updates) =>
        B64(Call("merge", new JsonObject { ["updates"] = new JsonArray(updates.Select(u => (JsonNode)Convert.ToBase64String(u)).ToArray()) })["update"]);

    /// <summary>Y.diffUpdate.</summary>
    public byte[] Diff(byte[] update, byte[] sv) =>
        B64(Call("diff", new JsonObject { ["update"] = Convert.ToBase64String(update), ["sv"] = Convert.ToBase64String(sv) })["update"]);

    /// <summary>Y.encodeStateVectorFromUpdate.</summary>
    public byte[] StateVectorFromUpdate(byte[] update) =>
        B64(Call("svFromUpdate", new JsonObject { ["update"] = Convert.ToBase64String(update) })["sv"]);

    /// <summary>Y.decodeUpdate as readable JSON (one line per struct) for failure messages.</summary>
    public string Decode(byte[] update)
    {
        var r = TryCall("decode", new JsonObject { ["update"] = Convert.ToBase64String(update) });
        if (r["ok"]?.GetValue<bool>() != true)
        {
            return $"<yjs cannot decode: {(string?)r["error"]}> {Wire.Hex(update)}";
        }

        var sb = new StringBuilder();
        foreach (var s in r["structs"]!.AsArray())
        {
            sb.Append("  ").AppendLine(s!.ToJsonString());
        }

        sb.Append("  ds ").AppendLine(r["ds"]!.ToJsonString());
        return sb.ToString();
    }

    /// <summary>Several requests in one round trip; returns each response (ok or not), in order.</summary>
    public IReadOnlyList<JsonObject> Batch(IEnumerable<JsonObject> requests, TimeSpan? timeout = null)
    {
        var arr = new JsonArray(requests.Select(r => (JsonNode)r).ToArray());
        var r = Call("batch", new JsonObject { ["requests"] = arr }, timeout);
        return r["results"]!.AsArray().Select(x => x!.AsObject()).ToList();
    }

    internal static JsonObject Roots(IReadOnlyDictionary<string, string>? roots)
    {
        var o = new JsonObject();
        if (roots is not null)
        {
            foreach (var (k, v) in roots)
            {
                o[k] = v;
            }
        }

        return o;
    }

    internal static byte[] B64(JsonNode? node) => Convert.FromBase64String((string?)node ?? throw new OracleException("missing base64 field"));

    internal static IReadOnlyList<EmittedUpdate> Emitted(JsonObject r) =>
        r["emitted"]!.AsArray().Select(e => new EmittedUpdate(B64(e!["update"]), e["remote"]!.GetValue<bool>(), e["local"]!.GetValue<bool>())).ToList();

    public void Dispose()
    {
        lock (_gate)
        {
            DisposeProcess();
        }
    }

    private void DisposeProcess()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(3000))
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
        }

        _process.Dispose();
        _process = null;
    }
}
