using System.Net.WebSockets;
using System.Threading.Channels;

namespace CrdtCollab.Integration.Tests.Support;

/// <summary>
/// A bare WebSocket for protocol-level tests: send frames, read frames, see the close code. One
/// background loop reads the socket (a timed-out read must not abort the socket, as cancelling
/// a ClientWebSocket receive does), so the close is noticed even while the test only sends.
/// </summary>
public sealed class RawSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<byte[]> _received = Channel.CreateUnbounded<byte[]>();
    private Task _reader = Task.CompletedTask;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    public WebSocketState State => _socket.State;

    /// <summary>Connects; a refused upgrade throws <see cref="WebSocketException"/> (with the HTTP status in the message).</summary>
    public static async Task<RawSocket> ConnectAsync(Uri url)
    {
        var s = new RawSocket();
        s._socket.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await s._socket.ConnectAsync(url, timeout.Token);
        }
        catch (WebSocketException)
        {
            var status = s._socket.HttpStatusCode;
            s._socket.Dispose();
            throw new WebSocketException($"upgrade refused with HTTP {(int)status}");
        }
        s._reader = Task.Run(s.ReadLoopAsync);
        return s;
    }

    public Task SendAsync(byte[] frame) => _socket.SendAsync(frame, WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>The next message, or null when the server closed the socket or nothing came in time.</summary>
    public async Task<byte[]?> ReceiveAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _received.Reader.ReadAsync(cts.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Reads until a message matches, the socket closes, or the time runs out.</summary>
    public async Task<byte[]?> ReceiveUntilAsync(Func<byte[], bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var m = await ReceiveAsync(deadline - DateTime.UtcNow);
            if (m is null)
            {
                return null;
            }
            if (match(m))
            {
                return m;
            }
        }
        return null;
    }

    /// <summary>Waits for the server's close (dropping messages meanwhile); its code, or null if none came.</summary>
    public async Task<WebSocketCloseStatus?> WaitForCloseAsync(TimeSpan timeout)
    {
        await Task.WhenAny(_reader, Task.Delay(timeout));
        return _socket.CloseStatus;
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[1 << 20];
        int length = 0;
        try
        {
            while (true)
            {
                var r = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    // Answer the close, as a browser does.
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }
                length += r.Count;
                if (r.EndOfMessage)
                {
                    _received.Writer.TryWrite(buffer[..length]);
                    length = 0;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Reset or disposed: the state says so.
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                // Gone already.
            }
        }
        await Task.WhenAny(_reader, Task.Delay(1000));
        _socket.Dispose();
    }
}
