using System.Globalization;
using Microsoft.Playwright;
using ReferenceApp.Testing.Browser;
using ReferenceApp.Testing;
using ReferenceApp.Web.Tests.Browser;

namespace ReferenceApp.Web.Tests.Hosting;

/// <summary>
/// One whole system per test class, as a person starts it: the real Aspire AppHost (two workers per cluster, the Api round robin,
/// the hub sticky) with a Redis the test owns, so a test can take it down, and Chromium.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    public const int WorkersPerCluster = 2;

    public RedisServer Redis { get; private set; } = null!;

    public AppHostProcess AppHost { get; private set; } = null!;

    public Chromium Chromium { get; private set; } = null!;

    public IBrowser Browser => Chromium.Browser;

    // The browser uses the addresses the AppHost gives the Web (localhost): the Web's origin, the one CORS allows.
    public Uri WebUrl => Localhost(AppHost.Ports.Web);

    public Uri ApiUrl => Localhost(AppHost.Ports.Api);

    public Uri RealtimeUrl => Localhost(AppHost.Ports.Realtime);

    public Uri DashboardUrl => Localhost(AppHost.Ports.Dashboard);

    /// <summary>The Aspire dashboard's login link with its browser token, as the AppHost printed it.</summary>
    public Uri DashboardLogin => AppHost.DashboardLogin;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        var workers = WorkersPerCluster.ToString(CultureInfo.InvariantCulture);
        AppHost = await AppHostProcess.StartAsync(
            [$"--ConnectionStrings:redis={Redis.ConnectionString}", $"--Workers:Api={workers}", $"--Workers:Realtime={workers}"],
            deadline: TimeSpan.FromSeconds(180));
        Chromium = await Chromium.LaunchAsync();
    }

    public Task<BrowserTab> OpenTabAsync(int width = BrowserTab.WideWidth) => BrowserTab.OpenAsync(Browser, WebUrl, width);

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

    private static Uri Localhost(int port) => new($"http://localhost:{port.ToString(CultureInfo.InvariantCulture)}");
}
