using System.Diagnostics;
using CrdtCollab.Tests.Shared;

namespace CrdtCollab.Integration.Tests.Support;

/// <summary>
/// Launches <c>tests/Integration/node-clients/client.mjs</c>: one stock Yjs provider per Node
/// process, driven over stdin/stdout by a <see cref="NodeClient"/>. The package directory is
/// installed from its lockfile once per test run.
/// </summary>
public static class NodeClients
{
    // npm ci fetches a handful of small packages; ten minutes covers a slow registry.
    private static readonly TimeSpan NpmCiTimeout = TimeSpan.FromMinutes(10);

    private static readonly Lazy<string> Installed = new(() =>
    {
        var dir = RepoPaths.Of("tests", "Integration", "node-clients");
        NpmPackage.EnsureInstalled(dir, NpmCiTimeout);
        return dir;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Starts a client signed in as <paramref name="name"/> with a token from <paramref name="server"/>'s embedded issuer.</summary>
    public static async Task<NodeClient> StartAsync(SyncServer server, NodeTransport transport, string documentId, string name, TimeSpan? syncTimeout = null) =>
        await StartAsync(transport, server.WsUrl, documentId, name, await server.TokenAsync(name), syncTimeout);

    /// <summary>The node executable (override with CRDT_NODE).</summary>
    public static string Node { get; } = Environment.GetEnvironmentVariable("CRDT_NODE") is { Length: > 0 } n ? n : "node";

    /// <summary>
    /// Starts a client and waits until its provider reports the first sync with the server
    /// (the process is killed if that takes longer than <paramref name="syncTimeout"/>).
    /// <paramref name="token"/> is the bearer token (<see cref="SyncServer.TokenAsync"/>): y-websocket
    /// sends it as <c>?token=</c>, Hocuspocus in its auth message; null sends none.
    /// </summary>
    public static async Task<NodeClient> StartAsync(NodeTransport transport, string wsUrl, string documentId, string name, string? token, TimeSpan? syncTimeout = null)
    {
        var dir = Installed.Value;
        var start = new ProcessStartInfo(Node)
        {
            WorkingDirectory = dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     Path.Combine(dir, "client.mjs"),
                     "--transport", transport == NodeTransport.YWebsocket ? "ywebsocket" : "hocuspocus",
                     "--url", wsUrl,
                     "--doc", documentId,
                     "--name", name,
                 })
        {
            start.ArgumentList.Add(arg);
        }
        if (token is not null)
        {
            start.ArgumentList.Add("--token");
            start.ArgumentList.Add(token);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Node} (is Node >= 20 on PATH? set CRDT_NODE)");
        var client = new NodeClient(process, name, transport);
        try
        {
            await client.WaitSyncedAsync(syncTimeout ?? TimeSpan.FromSeconds(20));
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
        return client;
    }
}
