using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CrdtCollab.Tests.Support;

/// <summary>
/// Whether a Docker engine answers: <c>GET /_ping</c> on <c>DOCKER_HOST</c> (<c>unix://</c> or
/// <c>tcp://</c>) or on <c>/var/run/docker.sock</c>. A missing socket, a refused connection or
/// no <c>OK</c> within the timeout all mean no engine, so the PostgreSQL fixture falls back.
/// </summary>
public static class DockerEngine
{
    public const string DefaultSocket = "/var/run/docker.sock";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>The endpoint to probe: <paramref name="dockerHost"/> when set, else the default socket.</summary>
    public static Uri Endpoint(string? dockerHost) =>
        string.IsNullOrWhiteSpace(dockerHost) ? new Uri("unix://" + DefaultSocket) : new Uri(dockerHost);

    /// <summary>True when the engine at <paramref name="endpoint"/> answers its ping.</summary>
    public static async Task<bool> AnswersAsync(Uri endpoint)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            using var socket = endpoint.Scheme switch
            {
                "unix" when File.Exists(endpoint.AbsolutePath) => new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified),
                "tcp" or "http" => new Socket(SocketType.Stream, ProtocolType.Tcp),
                _ => null,
            };
            if (socket is null)
            {
                return false;
            }
            EndPoint target = endpoint.Scheme == "unix"
                ? new UnixDomainSocketEndPoint(endpoint.AbsolutePath)
                : new DnsEndPoint(endpoint.Host, endpoint.Port);
            await socket.ConnectAsync(target, timeout.Token);
            await socket.SendAsync("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[4096];
            int total = 0;
            while (total < buffer.Length)
            {
                int n = await socket.ReceiveAsync(buffer.AsMemory(total), timeout.Token);
                if (n == 0)
                {
                    break;
                }
                total += n;
            }
            var response = Encoding.ASCII.GetString(buffer, 0, total);
            return response.StartsWith("HTTP/1.", StringComparison.Ordinal) && response.Contains(" 200 ", StringComparison.Ordinal)
                && response.EndsWith("OK", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or UriFormatException)
        {
            return false;
        }
    }
}
