using System.Net.Http.Json;
using CrdtCollab.Integration.Tests.Support;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace CrdtCollab.Integration.Tests.E2E;

/// <summary>
/// The demo page in a real browser (Debian's chromium through Playwright) against a real sync
/// server: two users, each in a browser context of their own, edit one document together.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DemoEditorTests(PostgresFixture postgres)
{
    private static string NewDocumentId() => "e2e-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task SignalR_users_see_each_others_text_and_named_caret_and_a_reload_shows_the_saved_text()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        await using var browser = await DemoBrowser.LaunchAsync(server.BaseUrl);
        var alice = await browser.NewUserAsync("Alice");
        var bob = await browser.NewUserAsync("Bob");
        var documentId = NewDocumentId();

        // Alice creates the document from the sidebar; Bob finds it in his list and opens it.
        await alice.GotoAsync("?transport=signalr");
        await alice.Page.GetByTestId("new-document").ClickAsync();
        await alice.Page.GetByTestId("new-document-name").FillAsync(documentId);
        await alice.Page.GetByTestId("create-document").ClickAsync();
        await Expect(alice.Page.GetByTestId("document-title")).ToHaveTextAsync(documentId);
        await bob.GotoAsync("?transport=signalr");
        await bob.OpenFromListAsync(documentId);
        await alice.ExpectConnectedAsync();
        await bob.ExpectConnectedAsync();

        await alice.TypeAtEndAsync("Hello from Alice.");
        await bob.WaitForTextAsync(t => t == "Hello from Alice.", "Alice's text");
        await bob.TypeAtEndAsync(" And Bob.");
        const string expected = "Hello from Alice. And Bob.";
        await alice.WaitForTextAsync(t => t == expected, "Bob's text after hers");
        await alice.ExpectRemoteCaretAsync("Bob");
        await bob.ExpectRemoteCaretAsync("Alice");

        // "All changes saved" comes from the hub's acks, which follow the commit, so by then the
        // stored events must replay to the same text.
        await alice.ExpectSaveStateAsync("saved", "All changes saved");
        await bob.ExpectSaveStateAsync("saved", "All changes saved");
        Assert.Equal(expected, (await server.ReplayAsync(documentId)).GetText("codemirror").ToString());

        await bob.ReloadAsync();
        await bob.WaitForTextAsync(t => t == expected, "the saved text after a reload");
        await bob.ExpectConnectedAsync();
        await bob.ExpectSaveStateAsync("saved", "All changes saved");
        await Expect(bob.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"doc={documentId}"));
        // The reloaded page gets Alice's cursor from the Join, and Alice sees one Bob, not a ghost
        // of the page that went away.
        await bob.ExpectRemoteCaretAsync("Alice");
        await bob.TypeAtEndAsync("!");
        await alice.WaitForTextAsync(t => t == expected + "!", "Bob's edit after his reload");
        await alice.ExpectRemoteCaretAsync("Bob");

        Assert.Empty(alice.Errors);
        Assert.Empty(bob.Errors);
    }

    [Fact]
    public async Task Y_websocket_users_converge_and_the_page_claims_sync_not_saves()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        await using var browser = await DemoBrowser.LaunchAsync(server.BaseUrl);
        var alice = await browser.NewUserAsync("Alice");
        var bob = await browser.NewUserAsync("Bob");
        var documentId = NewDocumentId();

        await alice.GotoAsync($"?doc={documentId}&transport=websocket");
        // Bob arrives on SignalR and switches with the transport switch, which reopens the document.
        await bob.GotoAsync($"?doc={documentId}&transport=signalr");
        await bob.ExpectConnectedAsync();
        await bob.Page.GetByTestId("transport-websocket").ClickAsync();
        await Expect(bob.Page.GetByTestId("transport-websocket")).ToHaveAttributeAsync("aria-checked", "true");
        await Expect(bob.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("transport=websocket"));
        await alice.ExpectConnectedAsync();
        await bob.ExpectConnectedAsync();

        await alice.TypeAtEndAsync("Stock y-websocket, ");
        await bob.WaitForTextAsync(t => t == "Stock y-websocket, ", "Alice's text");
        await bob.TypeAtEndAsync("no shim.");
        const string expected = "Stock y-websocket, no shim.";
        await alice.WaitForTextAsync(t => t == expected, "Bob's text after hers");
        await bob.WaitForTextAsync(t => t == expected, "the converged text");
        await alice.ExpectRemoteCaretAsync("Bob");
        await bob.ExpectRemoteCaretAsync("Alice");

        // y-websocket has no acknowledgements: the page says "synced", never "saved".
        await alice.ExpectSaveStateAsync("synced", "Synced · no save receipts");
        await bob.ExpectSaveStateAsync("synced", "Synced · no save receipts");

        // The server stores what y-websocket sent; once it has, a reload shows it.
        await WaitForStoredTextAsync(server, documentId, expected);
        await alice.ReloadAsync();
        await alice.WaitForTextAsync(t => t == expected, "the stored text after a reload");

        Assert.Empty(alice.Errors);
        Assert.Empty(bob.Errors);
    }

    [Fact]
    public async Task A_SignalR_user_and_a_y_websocket_user_edit_together()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        await using var browser = await DemoBrowser.LaunchAsync(server.BaseUrl);
        var alice = await browser.NewUserAsync("Alice");
        var bob = await browser.NewUserAsync("Bob");
        var documentId = NewDocumentId();

        await alice.GotoAsync($"?doc={documentId}&transport=signalr");
        await bob.GotoAsync($"?doc={documentId}&transport=websocket");
        await alice.ExpectConnectedAsync();
        await bob.ExpectConnectedAsync();

        await alice.TypeAtEndAsync("Hub, ");
        await bob.WaitForTextAsync(t => t == "Hub, ", "Alice's text");
        await bob.TypeAtEndAsync("socket.");
        await alice.WaitForTextAsync(t => t == "Hub, socket.", "Bob's text after hers");
        await alice.ExpectRemoteCaretAsync("Bob");
        await bob.ExpectRemoteCaretAsync("Alice");
        await alice.ExpectSaveStateAsync("saved", "All changes saved");

        Assert.Empty(alice.Errors);
        Assert.Empty(bob.Errors);
    }

    [Fact]
    public async Task Edits_made_while_the_server_restarts_are_saved_once_the_SignalR_provider_reconnects()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        await using var browser = await DemoBrowser.LaunchAsync(server.BaseUrl);
        var alice = await browser.NewUserAsync("Alice");
        var documentId = NewDocumentId();

        await alice.GotoAsync($"?doc={documentId}&transport=signalr");
        await alice.TypeAtEndAsync("Before the restart.");
        await alice.ExpectSaveStateAsync("saved", "All changes saved");

        await server.StopAsync();
        await Expect(alice.ConnectionStatus).ToHaveAttributeAsync("data-state", "reconnecting");
        await alice.TypeAtEndAsync(" During it.");
        // Nothing can be acknowledged now, and the page must not pretend otherwise.
        await Expect(alice.SaveStatus).ToHaveAttributeAsync("data-state", "unsaved");

        await server.RestartAsync();
        await alice.ExpectConnectedAsync();
        await alice.ExpectSaveStateAsync("saved", "All changes saved");
        const string expected = "Before the restart. During it.";
        Assert.Equal(expected, (await server.ReplayAsync(documentId)).GetText("codemirror").ToString());
        Assert.Equal(expected, await alice.TextAsync());
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task A_user_the_owner_makes_a_viewer_gets_a_view_only_editor_within_seconds()
    {
        await using var server = await SyncServer.StartAsync(postgres);
        await using var browser = await DemoBrowser.LaunchAsync(server.BaseUrl);
        var alice = await browser.NewUserAsync("Alice");
        var bob = await browser.NewUserAsync("Bob");
        var documentId = NewDocumentId();

        // Alice opens the document first, so she owns it; Bob gets the link role, editor.
        await alice.GotoAsync($"?doc={documentId}&transport=signalr");
        await alice.ExpectConnectedAsync();
        await Expect(alice.AccessStatus).ToHaveTextAsync("Owner");
        await alice.TypeAtEndAsync("Owner's text.");
        await bob.GotoAsync($"?doc={documentId}&transport=signalr");
        await bob.ExpectConnectedAsync();
        await bob.WaitForTextAsync(t => t == "Owner's text.", "Alice's text");
        await Expect(bob.AccessStatus).ToHaveTextAsync("Can edit");

        using var owner = await server.HttpAsync("Alice");
        var put = await owner.PutAsJsonAsync($"api/documents/{documentId}/permissions/bob", new { role = "viewer" });
        Assert.Equal(System.Net.HttpStatusCode.NoContent, put.StatusCode);
        await Expect(bob.AccessStatus).ToHaveTextAsync("View only", new() { Timeout = 5_000 });
        await Expect(bob.Page.GetByTestId("access-notice")).ToBeVisibleAsync();

        // Typing changes nothing, locally or for Alice; Bob still follows her edits live.
        await bob.TypeAtEndAsync(" Bob was here.");
        await Task.Delay(500);
        Assert.Equal("Owner's text.", await bob.TextAsync());
        await alice.TypeAtEndAsync(" More.");
        await bob.WaitForTextAsync(t => t == "Owner's text. More.", "Alice's edit after the downgrade");
        Assert.Equal("Owner's text. More.", await alice.TextAsync());
        await alice.ExpectSaveStateAsync("saved", "All changes saved");
        Assert.Equal("Owner's text. More.", (await server.ReplayAsync(documentId)).GetText("codemirror").ToString());

        Assert.Empty(alice.Errors);
        Assert.Empty(bob.Errors);
    }

    private static async Task WaitForStoredTextAsync(SyncServer server, string documentId, string expected)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(DemoBrowser.TimeoutMs);
        string stored;
        while ((stored = (await server.ReplayAsync(documentId)).GetText("codemirror").ToString()) != expected)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the stored events replay to \"{stored}\", not \"{expected}\"");
            }
            await Task.Delay(100);
        }
    }
}
