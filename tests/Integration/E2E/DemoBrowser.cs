using Microsoft.Playwright;

namespace CrdtCollab.Integration.Tests.E2E;

/// <summary>A headless chromium with one isolated context per simulated user.</summary>
internal sealed class DemoBrowser : IAsyncDisposable
{
    /// <summary>Bounds every wait in the browser tests: long enough for a cold server on two cores.</summary>
    public const float TimeoutMs = 10_000;

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly Uri _baseUrl;

    private DemoBrowser(IPlaywright playwright, IBrowser browser, Uri baseUrl)
    {
        _playwright = playwright;
        _browser = browser;
        _baseUrl = baseUrl;
    }

    public static async Task<DemoBrowser> LaunchAsync(Uri baseUrl)
    {
        await Chromium.EnsureInstalledAsync();
        Assertions.SetDefaultExpectTimeout(TimeoutMs);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath,
            Args = Chromium.Args,
            Headless = true,
            Timeout = 20_000,
        });
        return new DemoBrowser(playwright, browser, baseUrl);
    }

    /// <summary>A new user (own context, so own localStorage and awareness identity) named <paramref name="name"/>.</summary>
    public async Task<DemoPage> NewUserAsync(string name)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _baseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1100, Height = 700 },
        });
        context.SetDefaultTimeout(TimeoutMs);
        var page = await context.NewPageAsync();
        return new DemoPage(page, name);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
