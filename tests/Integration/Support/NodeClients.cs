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

    /// <summary>The node executable (override with CRDT_NODE).</summary>
    public static string Node { get; } = Environment.GetEnvironmentVariable("CRDT_NODE") is { Length: > 0 } n ? n : "node";

    /// <summary>
    /// Starts a client and waits until its provider reports the first sync with the server
    /// (the process is killed if that takes longer than <paramref name="syncTimeout"/>).
    /// </summary>
    public static async Task<NodeClient> StartAsync(NodeTransport transport, string wsUrl, string documentId, string name, TimeSpan? syncTimeout = null)
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
