using System.Text.Json.Nodes;
using CrdtCollab.Client;
using CrdtCollab.Crdt;
using CrdtCollab.Integration.Tests.Support;
using Xunit;
using static CrdtCollab.Integration.Tests.Server.ServerTestKit;

namespace CrdtCollab.Integration.Tests.Server;

/// <summary>
/// The stock y-websocket and Hocuspocus providers (unpatched, from npm) and the .NET client edit
/// one document through the server: each sees the others' edits and awareness.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TransportInteropTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Stock_providers_and_the_dotnet_client_see_each_others_edits_and_awareness()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        const string Doc = "interop-1";
        await using var yws = await NodeClients.StartAsync(server, NodeTransport.YWebsocket, Doc, "yws");
        await using var hocus = await NodeClients.StartAsync(server, NodeTransport.Hocuspocus, Doc, "hocus");
        var dotnetDoc = new YDoc();
        var dotnet = await SyncClient.ConnectAsync(server.BaseUrl, Doc, dotnetDoc, await OptionsAsync(server, SyncClientProtocol.MessagePack));
        try
        {
            await yws.InsertAsync(0, "[from-y-websocket]");
            await hocus.InsertAsync(0, "[from-hocuspocus]");
            dotnet.Transact(_ => dotnetDoc.GetText(Text).Insert(0, "[from-dotnet]"));
            string[] all = ["[from-y-websocket]", "[from-hocuspocus]", "[from-dotnet]"];

            var ywsState = await yws.WaitTextAsync(all, Wait);
            var hocusState = await hocus.WaitTextAsync(all, Wait);
            await EventuallyAsync(() => Task.FromResult(all.All(TextOf(dotnet).Contains)), ".NET client sees every edit", Wait);
            await dotnet.WhenSavedAsync().WaitAsync(Wait);
            await hocus.WaitSavedAsync(Wait);

            // Concurrent inserts at index 0 order by client id, the same on every replica.
            Assert.Equal(ywsState.Text, hocusState.Text);
            Assert.Equal(ywsState.Text, TextOf(dotnet));

            await yws.SetAwarenessAsync(new JsonObject { ["user"] = new JsonObject { ["name"] = "yws" } });
            await hocus.SetAwarenessAsync(new JsonObject { ["user"] = new JsonObject { ["name"] = "hocus" } });
            lock (dotnet.SyncRoot)
            {
                dotnet.Awareness.SetLocalState(new Dictionary<string, object?> { ["user"] = new Dictionary<string, object?> { ["name"] = "dotnet" } });
            }
            await yws.WaitAwarenessAsync("hocus", timeout: Wait);
            await yws.WaitAwarenessAsync("dotnet", timeout: Wait);
            await hocus.WaitAwarenessAsync("yws", timeout: Wait);
            await hocus.WaitAwarenessAsync("dotnet", timeout: Wait);
            await EventuallyAsync(() => Task.FromResult(RemoteNames(dotnet).SetEquals(["yws", "hocus"])), ".NET client sees both providers' awareness", Wait);
        }
        finally
        {
            await dotnet.DisposeAsync();
        }

        // Leaving removes the .NET client's awareness state for the others.
        await yws.WaitAwarenessAsync("dotnet", present: false, timeout: Wait);
        await hocus.WaitAwarenessAsync("dotnet", present: false, timeout: Wait);
    }

    private static HashSet<string> RemoteNames(SyncClient client)
    {
        lock (client.SyncRoot)
        {
            return [.. client.Awareness.GetStates()
                .Where(s => s.Key != client.Awareness.ClientId)
                .Select(s => s.Value is Dictionary<string, object?> state && state.GetValueOrDefault("user") is Dictionary<string, object?> user ? user.GetValueOrDefault("name") as string : null)
                .OfType<string>()];
        }
    }
}
