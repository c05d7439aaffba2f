using CrdtCollab.Host.Endpoints.Hub;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CrdtCollab.Integration.Tests.Support;

/// <summary>A bare SignalR connection to the hub, for tests that drive single protocol calls.</summary>
public sealed class RawHubClient : IAsyncDisposable
{
    private readonly HubConnection _connection;

    private RawHubClient(HubConnection connection) => _connection = connection;

    public HubConnection Connection => _connection;

    /// <summary>Connects as <paramref name="user"/> (a token from the embedded issuer), or with <paramref name="token"/> as given.</summary>
    public static async Task<RawHubClient> ConnectAsync(SyncServer server, bool messagePack = false, string user = "tester", string? token = null)
    {
        token ??= await server.TokenAsync(user);
        var builder = new HubConnectionBuilder().WithUrl(new Uri(server.BaseUrl, "/hubs/sync"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token));
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }
        var connection = builder.Build();
        await connection.StartAsync();
        return new RawHubClient(connection);
    }

    public Task<JoinResult> JoinAsync(string documentId, byte[]? stateVector = null) =>
        _connection.InvokeAsync<JoinResult>("Join", documentId, stateVector ?? [0]);

    public Task<UpdateAck> UpdateAsync(string documentId, byte[] update) =>
        _connection.InvokeAsync<UpdateAck>("Update", documentId, update);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
