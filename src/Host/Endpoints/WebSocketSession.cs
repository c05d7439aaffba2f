using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using CrdtCollab.Host.Broadcast;
using CrdtCollab.Host.Commit;

namespace CrdtCollab.Host.Endpoints;

/// <summary>
/// A raw WebSocket with one writer: messages are queued (bounded) and sent by a single loop, so
/// a broadcast never waits on a slow socket. A socket that falls too far behind is closed with
/// 1013 (try again later); its client reconnects and resyncs by state vector.
/// </summary>
internal sealed class WebSocketSession : IAsyncDisposable
{
    /// <summary>1012 "service restart": stock providers reconnect.</summary>
    public const WebSocketCloseStatus ServiceRestart = (WebSocketCloseStatus)1012;

    /// <summary>1013 "try again later".</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    private static readonly TimeSpan PeerCloseTimeout = TimeSpan.FromSeconds(2);
    /// <summary>How long the queued messages and the close frame get before the socket is aborted.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    private readonly WebSocket _socket;
    private readonly int _maxMessageBytes;
    private readonly Channel<Queued> _outgoing;
    private readonly SyncMetrics _metrics;
    private readonly Task _sender;
    private readonly CancellationTokenSource _closing = new();
    private (WebSocketCloseStatus Status, string Reason)? _close;

    public WebSocketSession(WebSocket socket, int maxMessageBytes, int maxQueued, string connectionId, string transport, SyncMetrics metrics)
    {
        _socket = socket;
        _maxMessageBytes = maxMessageBytes;
        ConnectionId = connectionId;
        Transport = transport;
        _metrics = metrics;
        _outgoing = Channel.CreateBounded<Queued>(new BoundedChannelOptions(maxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _sender = Task.Run(SendLoopAsync);
    }

    public string ConnectionId { get; }

    /// <summary>The protocol on this socket (a metrics tag).</summary>
    public string Transport { get; }

    /// <summary>Cancelled when the session is closing (by us or the peer).</summary>
    public CancellationToken Closing => _closing.Token;

    /// <param name="message">The frame.</param>
    /// <param name="broadcast">The document broadcast it carries, if any (for fan-out latency).</param>
    public void Send(byte[] message, OutgoingMessage? broadcast = null)
    {
        if (!_outgoing.Writer.TryWrite(new Queued(message, broadcast)))
        {
            Close(TryAgainLater, "too slow: outgoing queue full");
        }
    }

    /// <summary>Closes after the queued messages are sent.</summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        _close ??= (status, reason.Length > 120 ? reason[..120] : reason);
        if (_outgoing.Writer.TryComplete())
        {
            _ = AbortIfStuckAsync();
        }
    }

    /// <summary>
    /// A peer that never reads keeps the send loop inside SendAsync for ever, so the close never
    /// goes out and the session (its queue, its subscription) would stay: abort the socket.
    /// </summary>
    private async Task AbortIfStuckAsync()
    {
        if (await Task.WhenAny(_sender, Task.Delay(CloseGrace)) != _sender)
        {
            _socket.Abort();
        }
    }

    /// <summary>
    /// Reads one whole message into a pooled buffer. Returns null when the peer closed. Throws
    /// <see cref="FrameRejectedException"/> for a text or oversized message.
    /// </summary>
    public async Task<PooledMessage?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    // One byte past the limit is enough to know the message is too big.
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _maxMessageBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }
                if (result.MessageType == WebSocketMessageType.Text)
                {
                    throw new FrameRejectedException(WebSocketCloseStatus.InvalidMessageType, "text messages are not part of the protocol");
                }
                length += result.Count;
                if (length > _maxMessageBytes)
                {
                    throw new FrameRejectedException(WebSocketCloseStatus.MessageTooBig, $"message exceeds {_maxMessageBytes} bytes");
                }
                if (result.EndOfMessage)
                {
                    return new PooledMessage(buffer, length);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var (message, broadcast) in _outgoing.Reader.ReadAllAsync())
            {
                await _socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
                if (broadcast is { Kind: OutgoingMessageKind.Update })
                {
                    _metrics.Delivered(Transport, broadcast.AcceptedTimestamp);
                }
            }
            if (_close is { } close && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(PeerCloseTimeout);
                await _socket.CloseOutputAsync(close.Status, close.Reason, timeout.Token);
                // Let the receive loop read the peer's answering close: aborting now would reset
                // the connection, and a reset discards our close frame (and its code) unread.
                _closing.CancelAfter(PeerCloseTimeout);
                return;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer is gone; the receive loop notices and cleans up.
        }
        _closing.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        _outgoing.Writer.TryComplete();
        await _sender;
        if (_socket.State == WebSocketState.CloseSent)
        {
            // Wait (briefly) for the peer's answering close, discarding whatever it still sends:
            // closing the TCP connection under unread data resets it, and the peer then never
            // sees our close code.
            using var timeout = new CancellationTokenSource(PeerCloseTimeout);
            var scratch = new byte[4096];
            try
            {
                while ((await _socket.ReceiveAsync(scratch, timeout.Token)).MessageType != WebSocketMessageType.Close)
                {
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // Gone or too slow: the reset is all it gets.
            }
        }
        _closing.Dispose();
    }

    private readonly record struct Queued(byte[] Frame, OutgoingMessage? Broadcast);
}
