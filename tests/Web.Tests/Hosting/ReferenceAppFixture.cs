using Microsoft.Playwright;
using ReferenceApp.Testing;
using ReferenceApp.Web.Tests.Browser;

namespace ReferenceApp.Web.Tests.Hosting;

/// <summary>
/// One whole system per test class: a Redis the test owns, the AppHost with two workers per cluster, and Chromium.
/// </summary>
public sealed class ReferenceAppFixture : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public AppHostProcess AppHost { get; private set; } = null!;

    public Chromium Chromium { get; private set; } = null!;

    public IBrowser Browser => Chromium.Browser;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        AppHost = await AppHostProcess.StartAsync(Redis.ConnectionString);
        Chromium = await Chromium.LaunchAsync();
    }

    public Task<BrowserTab> OpenTabAsync(int width = BrowserTab.WideWidth) => BrowserTab.OpenAsync(Browser, AppHost.WebUrl, width);

    public async Task DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }

        if (AppHost is not null)
        {
            await AppHost.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}
