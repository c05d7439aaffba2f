using System.Net;
using System.Net.Sockets;
using System.Text;
using CrdtCollab.Client;
using CrdtCollab.Crdt;
using CrdtCollab.Host.LiveDocuments;
using CrdtCollab.Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;
using static CrdtCollab.Integration.Tests.Server.ServerTestKit;

namespace CrdtCollab.Integration.Tests.Server;

/// <summary>
/// Fault: a y-websocket peer that never reads its socket while a writer floods the document.
/// Verdict: the server disconnects it (its queue is bounded, then the connection is closed), its
/// memory stays bounded, and the other clients keep receiving everything.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SlowConsumerTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private const int Updates = 200;

    [Fact]
    public async Task A_peer_that_never_reads_is_disconnected_and_the_others_are_unaffected()
    {
        await using var server = await SyncServer.StartAsync(postgres, new Dictionary<string, string?> { ["Sync:MaxQueuedMessagesPerConnection"] = "16" });
        const string Doc = "slow-1";
        await using var writer = await SyncClient.ConnectAsync(server.BaseUrl, Doc, new YDoc(), await OptionsAsync(server, SyncClientProtocol.MessagePack));
        await using var reader = await SyncClient.ConnectAsync(server.BaseUrl, Doc, new YDoc(), await OptionsAsync(server, SyncClientProtocol.MessagePack));
        using var slow = await ConnectNeverReadingAsync(server.Port, Doc, await server.TokenAsync("slow"));
        var doc = server.Services.GetRequiredService<LiveDocumentRegistry>().Find(Doc)!;
        await EventuallyAsync(() => Task.FromResult(doc.SubscriberCount == 3), "three subscribers", Wait);

        GC.Collect();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        // 200 broadcasts of 64 KiB (each saved before the next, so none are merged): ~13 MB for
        // the slow peer, far past its socket buffers and its 16-message queue.
        var chunk = new string('x', 64 * 1024);
        var started = DateTime.UtcNow;
        for (int i = 0; i < Updates && doc.SubscriberCount == 3; i++)
        {
            writer.Transact(_ => writer.Document.GetText(Text).Insert(0, chunk));
            await writer.WhenSavedAsync().WaitAsync(Wait);
        }
        await EventuallyAsync(() => Task.FromResult(doc.SubscriberCount == 2), "the server drops the peer that does not read", Wait);
        var dropped = DateTime.UtcNow - started;

        // The reader got everything, promptly.
        await writer.WhenSavedAsync().WaitAsync(Wait);
        await EventuallyAsync(() => Task.FromResult(Equivalent(StateOf(reader), StateOf(writer))), "the reader holds every update", Wait);
        GC.Collect();
        long after = GC.GetTotalMemory(forceFullCollection: true);
        // The writer's, the reader's and the server's replicas each hold the ~10 MB document;
        // nothing more may stay behind for the dropped peer.
        long documentBytes = (long)Updates * chunk.Length;
        output.WriteLine($"dropped after {dropped.TotalMilliseconds:F0} ms; managed heap +{(after - before) / 1024 / 1024} MiB for 3 replicas of {documentBytes / 1024 / 1024} MiB");
        Assert.True(after - before < 10 * documentBytes, $"managed heap grew {(after - before) / 1024 / 1024} MiB");

        // And the server closed the socket: draining it ends in EOF or a reset.
        Assert.True(await ClosedByServerAsync(slow, TimeSpan.FromSeconds(10)), "the server closed the slow peer's connection");
    }

    private static async Task<Socket> ConnectNeverReadingAsync(int port, string doc, string token)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        var request = $"GET /ws/{doc}?token={token} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        // Read the handshake answer one byte at a time, so nothing after it is consumed.
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            using var timeout = new CancellationTokenSource(Wait);
            if (await socket.ReceiveAsync(one, SocketFlags.None, timeout.Token) == 0)
            {
                throw new InvalidOperationException("closed during the handshake");
            }
            head.Append((char)one[0]);
        }
        Assert.StartsWith("HTTP/1.1 101", head.ToString(), StringComparison.Ordinal);
        return socket;
    }

    private static async Task<bool> ClosedByServerAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[1 << 16];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                if (await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
