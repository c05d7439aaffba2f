using System.Net;
using System.Text.Json;
using CrdtCollab.EventStore;
using CrdtCollab.Host.Observability;
using CrdtCollab.Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CrdtCollab.Integration.Tests.Observability;

/// <summary><c>/health/live</c> and <c>/health/ready</c> against a real PostgreSQL taken away and given back, and a real projection daemon.</summary>
[Collection(PostgresCollection.Name)]
public sealed class HealthTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Ready_goes_false_while_PostgreSQL_is_away_and_true_when_it_is_back_while_live_stays_true()
    {
        await using var proxy = new PostgresProxy(postgres);
        await using var server = await SyncServer.StartAsync(postgres, new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = proxy.ConnectionString });
        using var http = new HttpClient { BaseAddress = server.BaseUrl };

        var ready = await http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await CheckAsync(ready, "postgres"));

        proxy.Cut();
        var down = await WaitForAsync(http, "/health/ready", HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Unhealthy", await CheckAsync(down, "postgres"));
        // Not a reason to restart the node.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);

        proxy.Restore();
        var back = await WaitForAsync(http, "/health/ready", HttpStatusCode.OK);
        Assert.Equal("Healthy", await CheckAsync(back, "postgres"));
    }

    [Fact]
    public async Task Ready_is_false_while_the_database_lacks_a_migration_this_build_knows()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);

        // As if the database were restored from before the last migration.
        await using (var command = postgres.DataSource.CreateCommand(
            $"DELETE FROM {server.Schema}.schema_migrations WHERE version = (SELECT max(version) FROM {server.Schema}.schema_migrations) RETURNING version"))
        {
            var removed = (int)(await command.ExecuteScalarAsync())!;
            var stale = await http.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, stale.StatusCode);
            Assert.Equal("Unhealthy", await CheckAsync(stale, "postgres"));
            await using var restore = postgres.DataSource.CreateCommand($"INSERT INTO {server.Schema}.schema_migrations (version) VALUES ({removed})");
            await restore.ExecuteNonQueryAsync();
        }
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Ready_needs_every_registered_projection_daemon_running_with_a_leader_somewhere()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        var store = server.Services.GetRequiredService<PostgresEventStore>();
        var monitor = server.Services.GetRequiredService<ProjectionMonitor>();
        var projection = new RecordingProjection(server.Schema, "health");
        await projection.CreateTableAsync(postgres.DataSource);

        // Registered but not started: not ready.
        await using var daemon = new ProjectionDaemon(store, projection);
        using var registration = monitor.Register(daemon);
        var stopped = await http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stopped.StatusCode);
        Assert.Equal("Unhealthy", await CheckAsync(stopped, "projections"));

        // Running and leading: ready.
        daemon.Start();
        var leading = await WaitForAsync(http, "/health/ready", HttpStatusCode.OK);
        Assert.Equal("Healthy", await CheckAsync(leading, "projections"));

        // A standby here while another "node" (a second daemon on the same schema) leads: still ready.
        await using var other = new ProjectionDaemon(new PostgresEventStore(postgres.DataSource, new EventStoreOptions { Schema = server.Schema }), new RecordingProjection(server.Schema, "health"));
        await daemon.StopAsync();
        other.Start();
        await using var standby = new ProjectionDaemon(store, projection);
        registration.Dispose();
        using var standbyRegistration = monitor.Register(standby);
        await WaitUntilAsync(() => Task.FromResult(other.IsLeader));
        standby.Start();
        var withStandby = await WaitForAsync(http, "/health/ready", HttpStatusCode.OK);
        Assert.False(standby.IsLeader);
        Assert.Equal("Healthy", await CheckAsync(withStandby, "projections"));
    }

    private static async Task<HttpResponseMessage> WaitForAsync(HttpClient http, string path, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var response = await http.GetAsync(path);
            if (response.StatusCode == expected || DateTime.UtcNow > deadline)
            {
                Assert.Equal(expected, response.StatusCode);
                return response;
            }
            await Task.Delay(200);
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(100);
        }
    }

    private static async Task<string> CheckAsync(HttpResponseMessage response, string check)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("checks").GetProperty(check).GetProperty("status").GetString()!;
    }
}
