using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace CrdtCollab.Integration.Tests.Support;

/// <summary>
/// One running <c>client.mjs</c>: commands go to its stdin as JSON lines, answers come back by id.
/// Every command has a timeout; a command that exceeds it kills the process, so a hung provider
/// fails its test instead of hanging the run.
/// </summary>
public sealed class NodeClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    // The script's own waits end a little before ours, so its message says what it waited for.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);

    private readonly Process _process;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _waiting = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StringBuilder _stderr = new();
    private readonly Task _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _nextId;
    private int _disposed;

    internal NodeClient(Process process, string name, NodeTransport transport)
    {
        _process = process;
        Name = name;
        Transport = transport;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
        _reader = Task.Run(ReadAsync);
    }

    public string Name { get; }

    public NodeTransport Transport { get; }

    /// <summary>What the script wrote to stderr so far (for failure messages).</summary>
    public string Diagnostics
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public Task<NodeState> StateAsync() => StateCommandAsync(new JsonObject { ["cmd"] = "state" });

    public Task<NodeState> InsertAsync(int index, string text) =>
        StateCommandAsync(new JsonObject { ["cmd"] = "insert", ["index"] = index, ["text"] = text });

    /// <summary><paramref name="count"/> random edits (seeded), each its own transaction, <paramref name="intervalMs"/> apart.</summary>
    public Task<NodeState> EditAsync(int count, int seed, int intervalMs, TimeSpan? timeout = null) =>
        StateCommandAsync(new JsonObject { ["cmd"] = "edit", ["count"] = count, ["seed"] = seed, ["intervalMs"] = intervalMs }, timeout);

    public Task<NodeState> WaitTextAsync(IEnumerable<string> includes, TimeSpan? timeout = null) =>
        StateCommandAsync(new JsonObject { ["cmd"] = "waitText", ["includes"] = new JsonArray([.. includes.Select(s => (JsonNode)s)]) }, timeout);

    /// <summary>Waits until the client's document holds everything in <paramref name="update"/>.</summary>
    public Task<NodeState> WaitContainsAsync(byte[] update, TimeSpan? timeout = null) =>
        StateCommandAsync(new JsonObject { ["cmd"] = "waitContains", ["update"] = Convert.ToBase64String(update) }, timeout);

    /// <summary>Hocuspocus only: waits until the server acknowledged every update the provider sent.</summary>
    public Task<NodeState> WaitSavedAsync(TimeSpan? timeout = null) =>
        StateCommandAsync(new JsonObject { ["cmd"] = "waitSaved" }, timeout);

    public Task SetAwarenessAsync(JsonNode state) =>
        SendAsync(new JsonObject { ["cmd"] = "awareness", ["state"] = state });

    /// <summary>Waits until a remote awareness state with <c>user.name == name</c> is present (or gone).</summary>
    public Task WaitAwarenessAsync(string name, bool present = true, TimeSpan? timeout = null) =>
        SendAsync(new JsonObject { ["cmd"] = "waitAwareness", ["name"] = name, ["present"] = present }, timeout);

    internal async Task WaitSyncedAsync(TimeSpan timeout)
    {
        try
        {
            await _synced.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Kill();
            throw new TimeoutException($"{Name} ({Transport}) did not sync within {timeout}:\n{Diagnostics}");
        }
    }

    /// <summary>Sends one command and returns its answer; throws unless ok.</summary>
    public async Task<JsonObject> SendAsync(JsonObject command, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        int id = Interlocked.Increment(ref _nextId);
        command["id"] = id;
        command["timeoutMs"] = (long)limit.TotalMilliseconds;
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = answer;
        await _writeLock.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(command.ToJsonString());
            await _process.StandardInput.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }

        JsonObject response;
        try
        {
            response = await answer.Task.WaitAsync(limit + Grace);
        }
        catch (TimeoutException)
        {
            Kill();
            throw new TimeoutException($"{Name} ({Transport}): '{command["cmd"]}' got no answer within {limit + Grace}; killed.\n{Diagnostics}");
        }
        finally
        {
            _waiting.TryRemove(id, out _);
        }
        if (response["ok"]?.GetValue<bool>() != true)
        {
            throw new InvalidOperationException($"{Name} ({Transport}): '{command["cmd"]}' failed: {response["error"]}\n{Diagnostics}");
        }
        return response;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        if (!_process.HasExited)
        {
            try
            {
                // Closing stdin makes the script destroy its provider and exit.
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // Already gone.
            }
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
            }
        }
        await _reader;
        _process.Dispose();
        _writeLock.Dispose();
    }

    private async Task<NodeState> StateCommandAsync(JsonObject command, TimeSpan? timeout = null)
    {
        var r = await SendAsync(command, timeout);
        return new NodeState(
            Convert.FromBase64String((string)r["state"]!),
            Convert.FromBase64String((string)r["stateVector"]!),
            (string)r["text"]!);
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (JsonNode.Parse(line) is not JsonObject message)
            {
                continue;
            }
            if ((string?)message["event"] == "synced")
            {
                _synced.TrySetResult();
            }
            else if (message["id"] is JsonValue idValue && _waiting.TryGetValue(idValue.GetValue<int>(), out var waiter))
            {
                waiter.TrySetResult(message);
            }
        }
        var exited = new InvalidOperationException($"{Name} ({Transport}) exited:\n{Diagnostics}");
        _synced.TrySetException(exited);
        foreach (var waiter in _waiting.Values)
        {
            waiter.TrySetException(exited);
        }
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
