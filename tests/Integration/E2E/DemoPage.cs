using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CrdtCollab.Integration.Tests.E2E;

/// <summary>The demo page as one user sees it, addressed through its data-testid attributes.</summary>
internal sealed class DemoPage(IPage page, string userName)
{
    private readonly List<string> _errors = [];

    public IPage Page { get; } = page;

    public string UserName { get; } = userName;

    public ILocator Editor => Page.Locator("[data-testid=editor] .cm-content");

    public ILocator ConnectionStatus => Page.GetByTestId("connection-status");

    public ILocator SaveStatus => Page.GetByTestId("save-status");

    /// <summary>Script errors on the page; a test ends by asserting there were none.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>The user's role on the open document ("Owner", "Can edit", "View only", "Access revoked").</summary>
    public ILocator AccessStatus => Page.GetByTestId("access-status");

    /// <summary>
    /// Opens <paramref name="query"/> (e.g. <c>?doc=x&amp;transport=signalr</c>) and signs in by
    /// name on the sign-in card (POST /auth/dev-token); the page then opens the document.
    /// </summary>
    public async Task GotoAsync(string query)
    {
        Page.PageError += (_, error) => _errors.Add(error);
        await Page.GotoAsync("/" + query);
        await Page.GetByTestId("signin-name").FillAsync(UserName);
        await Page.GetByTestId("signin-submit").ClickAsync();
        await Expect(Page.GetByTestId("signin")).ToBeHiddenAsync();
        await Expect(Page.GetByTestId("user-name")).ToHaveValueAsync(UserName);
    }

    public async Task OpenFromListAsync(string documentId)
    {
        var item = Page.Locator($"[data-testid=document-item][data-id='{documentId}']");
        await item.ClickAsync();
        await Expect(item).ToHaveAttributeAsync("aria-current", "page");
    }

    /// <summary>Types at the end of the document, as a person would after clicking into it.</summary>
    public async Task TypeAtEndAsync(string text)
    {
        await Editor.ClickAsync();
        await Page.Keyboard.PressAsync("Control+End");
        await Page.Keyboard.TypeAsync(text);
    }

    /// <summary>The document text, without the remote carets' name tags that sit inside the lines.</summary>
    public Task<string> TextAsync() => Page.EvaluateAsync<string>(
        """
        () => {
          const content = document.querySelector('[data-testid=editor] .cm-content').cloneNode(true)
          content.querySelectorAll('.cm-ySelectionCaret, .cm-widgetBuffer').forEach((e) => e.remove())
          return [...content.querySelectorAll('.cm-line')].map((line) => line.textContent).join('\n')
        }
        """);

    public async Task WaitForTextAsync(Func<string, bool> condition, string description)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(DemoBrowser.TimeoutMs);
        string text;
        while (!condition(text = await TextAsync()))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{UserName}'s editor never showed {description}; it shows \"{text}\"");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Waits for another user's caret, drawn by y-codemirror.next from awareness, with their name.</summary>
    public Task ExpectRemoteCaretAsync(string otherUser) =>
        Expect(Page.Locator(".cm-ySelectionCaret .cm-ySelectionInfo", new() { HasText = otherUser })).ToHaveCountAsync(1);

    public Task ExpectConnectedAsync() => Expect(ConnectionStatus).ToHaveAttributeAsync("data-state", "connected");

    public async Task ExpectSaveStateAsync(string state, string label)
    {
        await Expect(SaveStatus).ToHaveAttributeAsync("data-state", state);
        await Expect(SaveStatus).ToHaveTextAsync(label);
    }

    public async Task ReloadAsync()
    {
        await Page.ReloadAsync();
        await Expect(Editor).ToBeVisibleAsync();
    }
}
