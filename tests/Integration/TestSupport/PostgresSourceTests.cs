using System.Net.Sockets;
using System.Text;
using CrdtCollab.Tests.Support;
using Xunit;

namespace CrdtCollab.Integration.Tests.TestSupport;

/// <summary>
/// Where the tests' PostgreSQL comes from: a Docker engine (Testcontainers) first, then the local
/// binaries, then CRDTCOLLAB_PG; CRDTCOLLAB_PG_SOURCE forces one. The engine probe is tested
/// against real unix sockets (none, one that answers like an engine, one that does not).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSourceTests(PostgresFixture postgres)
{
    private const string Conn = "Host=db;Username=u;Database=d";

    [Theory]
    [InlineData(true, true, Conn, PostgresSource.Container)]
    [InlineData(true, false, null, PostgresSource.Container)]
    [InlineData(false, true, Conn, PostgresSource.LocalBinaries)]
    [InlineData(false, true, null, PostgresSource.LocalBinaries)]
    [InlineData(false, false, Conn, PostgresSource.Environment)]
    public void The_order_is_docker_then_local_binaries_then_the_connection_string(bool docker, bool local, string? connection, PostgresSource expected) =>
        Assert.Equal(expected, PostgresSourceChoice.Choose(docker, local, connection, forced: null));

    [Theory]
    [InlineData("local", PostgresSource.LocalBinaries)]
    [InlineData("env", PostgresSource.Environment)]
    [InlineData("container", PostgresSource.Container)]
    public void A_forced_source_wins_when_it_is_available(string forced, PostgresSource expected) =>
        Assert.Equal(expected, PostgresSourceChoice.Choose(dockerAnswers: true, localBinaries: true, Conn, forced));

    [Fact]
    public void Nothing_available_or_a_forced_source_missing_is_a_clear_error()
    {
        Assert.Contains("CRDTCOLLAB_PG", Assert.Throws<InvalidOperationException>(() => PostgresSourceChoice.Choose(false, false, null, null)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => PostgresSourceChoice.Choose(false, true, Conn, "container"));
        Assert.Throws<InvalidOperationException>(() => PostgresSourceChoice.Choose(true, true, null, "env"));
        Assert.Throws<InvalidOperationException>(() => PostgresSourceChoice.Choose(true, true, Conn, "kubernetes"));
    }

    [Fact]
    public async Task No_socket_means_no_engine()
    {
        Assert.False(await DockerEngine.AnswersAsync(new Uri("unix:///nonexistent/docker.sock")));
        Assert.False(await DockerEngine.AnswersAsync(new Uri("tcp://127.0.0.1:1")));
    }

    [Fact]
    public async Task A_socket_answering_the_ping_is_an_engine_and_one_answering_otherwise_is_not()
    {
        Assert.True(await ProbeFakeEngineAsync("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK"));
        Assert.False(await ProbeFakeEngineAsync("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\nerror"));
        Assert.False(await ProbeFakeEngineAsync("SSH-2.0-OpenSSH_9.2\r\n"));
    }

    [Fact]
    public async Task This_run_uses_the_first_available_source()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PostgresSourceChoice.ForceVariable)))
        {
            return; // A forced source is the caller's choice; the order does not apply.
        }
        bool docker = await DockerEngine.AnswersAsync(DockerEngine.Endpoint(Environment.GetEnvironmentVariable("DOCKER_HOST")));
        var expected = docker ? PostgresSource.Container : LocalPostgresServer.Available ? PostgresSource.LocalBinaries : PostgresSource.Environment;
        Assert.Equal(expected, postgres.Source);
        // And it works: the server answers.
        Assert.Equal(1L, await TestSchema.ScalarAsync(postgres.DataSource, "SELECT 1"));
    }

    private static async Task<bool> ProbeFakeEngineAsync(string response)
    {
        var path = Path.Combine(Path.GetTempPath(), "crdtcollab-fake-docker-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        try
        {
            var serve = Task.Run(async () =>
            {
                using var client = await listener.AcceptAsync();
                var buffer = new byte[1024];
                var request = Encoding.ASCII.GetString(buffer, 0, await client.ReceiveAsync(buffer));
                Assert.StartsWith("GET /_ping ", request, StringComparison.Ordinal);
                await client.SendAsync(Encoding.ASCII.GetBytes(response));
                client.Shutdown(SocketShutdown.Both);
            });
            var answered = await DockerEngine.AnswersAsync(new Uri("unix://" + path));
            await serve;
            return answered;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
