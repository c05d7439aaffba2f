using System.Net.WebSockets;

namespace CrdtCollab.Integration.Tests.Support;

/// <summary>A bare WebSocket for protocol-level tests: send frames, read frames, see the close code.</summary>
public sealed class RawSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

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
            await s.DisposeAsync();
            throw new WebSocketException($"upgrade refused with HTTP {(int)status}");
        }
        return s;
    }

    public Task SendAsync(byte[] frame) => _socket.SendAsync(frame, WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>The next message, or null when the server closed the socket (or nothing came in time).</summary>
    public async Task<byte[]?> ReceiveAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[1 << 20];
        int length = 0;
        try
        {
            while (true)
            {
                var r = await _socket.ReceiveAsync(buffer.AsMemory(length), cts.Token);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }
                length += r.Count;
                if (r.EndOfMessage)
                {
                    return buffer[..length];
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
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

    /// <summary>Waits for the server's close (reading and dropping messages meanwhile).</summary>
    public async Task<WebSocketCloseStatus?> WaitForCloseAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && _socket.State == WebSocketState.Open)
        {
            if (await ReceiveAsync(deadline - DateTime.UtcNow) is null)
            {
                break;
            }
        }
        return _socket.CloseStatus;
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                // Gone already.
            }
        }
        _socket.Dispose();
    }
}
