using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CrdtCollab.Integration.Tests.Support;

/// <summary>
/// A TCP forwarder on a loopback port in front of the test PostgreSQL, so a test can take the
/// database away from a server (<see cref="Cut"/>: open connections are reset and new ones
/// refused) and give it back (<see cref="Restore"/>), without stopping the shared PostgreSQL.
/// </summary>
public sealed class PostgresProxy : IAsyncDisposable
{
    private readonly EndPoint _target;
    private readonly List<Socket> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();

    public PostgresProxy(PostgresFixture postgres)
    {
        var b = new NpgsqlConnectionStringBuilder(postgres.ConnectionString);
        _target = b.Host!.StartsWith('/')
            ? new UnixDomainSocketEndPoint(Path.Combine(b.Host, $".s.PGSQL.{b.Port}"))
            : new DnsEndPoint(b.Host, b.Port);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        ConnectionString = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Host = "127.0.0.1", Port = Port, Timeout = 3 }.ConnectionString;
        Restore();
    }

    public int Port { get; }

    public string ConnectionString { get; }

    public void Restore()
    {
        _stop = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptLoopAsync(_listener, _stop.Token);
    }

    public void Cut()
    {
        _stop.Cancel();
        _listener?.Stop();
        lock (_open)
        {
            foreach (var s in _open)
            {
                s.Close(0);
            }
            _open.Clear();
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var server = new Socket(_target.AddressFamily, SocketType.Stream, _target is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
            await server.ConnectAsync(_target, stop);
            lock (_open)
            {
                _open.Add(client);
                _open.Add(server);
            }
            _ = PumpAsync(client, server);
            _ = PumpAsync(server, client);
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (n == 0)
                {
                    break;
                }
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Cut, or one side closed: close the other.
        }
        try
        {
            to.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
