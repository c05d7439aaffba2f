using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CrdtCollab.Integration.Tests.E2E;

/// <summary>The progress board (board.html) as one user sees it, addressed through its data-testid attributes.</summary>
internal sealed class BoardPage(IPage page, string userName)
{
    private readonly List<string> _errors = [];

    public IPage Page { get; } = page;

    public IReadOnlyList<string> Errors => _errors;

    public ILocator DrawingProgress => Page.GetByTestId("drawing-progress");

    public ILocator AreaProgress => Page.GetByTestId("area-progress");

    /// <summary>Opens the board at <paramref name="query"/> and signs in by name.</summary>
    public async Task GotoAsync(string query)
    {
        Page.PageError += (_, error) => _errors.Add(error);
        await Page.GotoAsync("/board.html" + query);
        await Page.GetByTestId("signin-name").FillAsync(userName);
        await Page.GetByTestId("signin-submit").ClickAsync();
        await Expect(Page.GetByTestId("signin")).ToBeHiddenAsync();
        await Expect(Page.GetByTestId("user-name")).ToHaveTextAsync(userName);
    }

    /// <summary>Uploads <paramref name="csv"/> through the file input and waits for the import's final phase.</summary>
    public async Task ImportAsync(string fileName, string csv, string expectedPhase = "succeeded")
    {
        await Page.GetByTestId("import-file").SetInputFilesAsync(new FilePayload { Name = fileName, MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });
        await Page.GetByTestId("import-submit").ClickAsync();
        await Expect(Page.GetByTestId("import-progress")).ToHaveAttributeAsync("data-phase", expectedPhase);
    }

    public async Task OpenDrawingAsync(string drawingId)
    {
        await Page.Locator($"[data-testid=drawing-item][data-id='{drawingId}'] a").ClickAsync();
        await ExpectDrawingOpenAsync(drawingId);
    }

    /// <summary>Waits until the drawing view shows <paramref name="drawingId"/> and its CRDT document has synced.</summary>
    public async Task ExpectDrawingOpenAsync(string drawingId)
    {
        await Expect(Page.GetByTestId("drawing-title")).ToContainTextAsync(drawingId);
        await Expect(Page.Locator("#component-list")).ToHaveAttributeAsync("data-synced", "true");
        await Expect(Page.GetByTestId("connection-status")).ToHaveAttributeAsync("data-state", "connected");
    }

    public ILocator Milestone(string component, string milestone) =>
        Page.Locator($"input[data-testid=milestone][data-component='{component}'][data-milestone='{milestone}']");

    /// <summary>The percent a progress bar shows (its data-percent attribute).</summary>
    public static async Task<double> PercentAsync(ILocator bar) =>
        double.Parse(await bar.GetAttributeAsync("data-percent") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
}
