using System.Diagnostics;
using Microsoft.Playwright;

namespace ReferenceApp.AppHost.Tests.Dashboard;

/// <summary>One real AppHost and one headless Chromium, shared by the browser tests of a class.</summary>
public sealed class DashboardBrowserFixture : IAsyncLifetime
{
    // Chromium as installed by apt, offline: no Playwright browser download, no sandbox (containers), no background traffic.
    private static readonly string[] ChromiumArguments =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private IPlaywright? _playwright;

    public RunningAppHost AppHost { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public TimeSpan StartupTime { get; private set; }

    public async Task InitializeAsync()
    {
        var started = Stopwatch.StartNew();
        AppHost = await RunningAppHost.StartAsync();
        StartupTime = started.Elapsed;
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ChromiumArguments });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (AppHost is not null)
        {
            await AppHost.DisposeAsync();
        }
    }
}
