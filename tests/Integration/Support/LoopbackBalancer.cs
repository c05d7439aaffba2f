using System.Net;
using System.Net.Sockets;

namespace CrdtCollab.Integration.Tests.Support;

/// <summary>
/// A TCP front on a loopback port that forwards each new connection to the first of its
/// backends that accepts it: a fail-over load balancer. When a backend dies its connections
/// are closed, and the clients' reconnects land on the next backend.
/// </summary>
public sealed class LoopbackBalancer : IAsyncDisposable
{
    private readonly IReadOnlyList<int> _backends;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _open = [];

    public LoopbackBalancer(params int[] backends)
    {
        _backends = backends;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync();
    }

    public int Port { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}");

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_open)
        {
            foreach (var s in _open)
            {
                s.Dispose();
            }
            _open.Clear();
        }
        return ValueTask.CompletedTask;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        Socket? backend = null;
        foreach (var port in _backends)
        {
            var attempt = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await attempt.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
                backend = attempt;
                break;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                attempt.Dispose();
            }
        }
        if (backend is null)
        {
            client.Dispose();
            return;
        }
        client.NoDelay = true;
        lock (_open)
        {
            _open.Add(client);
            _open.Add(backend);
        }
        try
        {
            await Task.WhenAny(PipeAsync(client, backend), PipeAsync(backend, client));
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(client);
                _open.Remove(backend);
            }
            client.Dispose();
            backend.Dispose();
        }
    }

    private async Task PipeAsync(Socket from, Socket to)
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    return;
                }
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Either side went away: the caller closes both.
        }
    }
}
