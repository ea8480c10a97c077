using System.Collections.Concurrent;
using Microsoft.Playwright;
using ReferenceApp.Testing.Browser;
using ReferenceApp.Testing;

namespace ReferenceApp.Web.Tests.Browser;

/// <summary>
/// One browser context (its own cookies, like another person or another browser) with one page on the Web front end.
/// Records every console error and uncaught page error, so a test can assert the page stayed clean.
/// </summary>
public sealed class BrowserTab : IAsyncDisposable
{
    public const int WideWidth = 1280;
    public const int NarrowWidth = 390;

    private readonly ConcurrentQueue<string> _errors = new();
    private readonly Uri _webUrl;

    private BrowserTab(IBrowserContext context, IPage page, Uri webUrl)
    {
        Context = context;
        Page = page;
        _webUrl = webUrl;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _errors.Enqueue($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => _errors.Enqueue($"page error: {error}");
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public IReadOnlyCollection<string> Errors => _errors.ToArray();

    public static async Task<BrowserTab> OpenAsync(IBrowser browser, Uri webUrl, int width = WideWidth)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = width >= WideWidth ? 900 : 844 },
            IsMobile = width < WideWidth,
            HasTouch = width < WideWidth,
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        return new BrowserTab(context, page, webUrl);
    }

    /// <summary>Opens a page of the Web and waits until its circuit is interactive (its buttons work).</summary>
    public async Task GotoAsync(string path)
    {
        await Page.GotoAsync(new Uri(_webUrl, path).AbsoluteUri);
        await Page.Locator(".shell[data-interactive=true]").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
    }

    public ILocator ByTestId(string testId) => Page.GetByTestId(testId);

    /// <summary>Saves a full-page screenshot as TestResults/screenshots/&lt;name&gt;.png and returns its path.</summary>
    public Task<string> ScreenshotAsync(string name) => Screenshots.SaveAsync(Page, name);

    /// <summary>Fails with every console error the page logged, except those the test expects (matched by substring).</summary>
    public void AssertNoConsoleErrors(params string[] expected)
    {
        var unexpected = _errors.Where(error => !expected.Any(allowed => error.Contains(allowed, StringComparison.Ordinal))).ToArray();
        Assert.True(unexpected.Length == 0, $"The browser logged errors:\n{string.Join('\n', unexpected)}");
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
