using System.Globalization;
using Microsoft.Playwright;
using ReferenceApp.Testing.Browser;
using ReferenceApp.Web.Tests.Browser;
using ReferenceApp.Web.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace ReferenceApp.Web.Tests.Pages;

/// <summary>The Cluster page: the Supervisors' live state, and commands that kill, reload and scale while traffic flows.</summary>
public sealed class ClusterPageTests(SystemFixture system) : IClassFixture<SystemFixture>
{
    [Fact]
    public async Task Every_call_of_a_burst_succeeds_while_a_worker_is_killed_from_the_cluster_page()
    {
        await using var rest = await system.OpenTabAsync();
        await using var cluster = await system.OpenTabAsync();
        await cluster.GotoAsync("/cluster");
        var victim = Worker(cluster, "api", 1);
        await Expect(victim).ToHaveAttributeAsync("data-state", "Ready");
        var victimPid = await victim.GetAttributeAsync("data-pid");

        await rest.GotoAsync("/rest");
        await rest.ByTestId("endpoint-work").Locator("..").ClickAsync();
        await Expect(rest.ByTestId("endpoint-work")).ToBeCheckedAsync();
        await rest.ByTestId("work-ms").FillAsync("20");
        await rest.ByTestId("burst-size").SelectOptionAsync("200");
        await rest.ByTestId("fire-burst").ClickAsync();

        // Kill mid-burst: some calls answered, most still to come.
        await Expect(rest.Page.Locator("[data-testid=burst-summary][data-running=true]")).ToBeVisibleAsync();
        await Eventually(async () => int.Parse((await rest.ByTestId("burst-summary").GetAttributeAsync("data-done"))!, CultureInfo.InvariantCulture) >= 10);
        await cluster.ByTestId("kill-api-1").ClickAsync();
        await Expect(cluster.ByTestId("command-result-api")).ToHaveAttributeAsync("data-ok", "true");

        var summary = rest.Page.Locator("[data-testid=burst-summary][data-running=false]");
        await Expect(summary).ToBeVisibleAsync(new() { Timeout = 120_000 });
        Assert.Equal("200", await summary.GetAttributeAsync("data-done"));
        Assert.Equal("0", await summary.GetAttributeAsync("data-failed"));
        Assert.Equal("200", await summary.GetAttributeAsync("data-ok"));

        // The Supervisor replaced the killed process in the same slot, and the page shows it.
        await Expect(victim).Not.ToHaveAttributeAsync("data-pid", victimPid!);
        await Expect(victim).ToHaveAttributeAsync("data-state", "Ready", new() { Timeout = 60_000 });
        await Expect(victim).ToHaveAttributeAsync("data-restarts", "1");
        await Expect(cluster.ByTestId("cluster-timeline")).ToContainTextAsync($"api-1 respawned: pid {victimPid} →");

        await rest.ScreenshotAsync("rest-burst-survives-kill-1280");
        await cluster.ScreenshotAsync("cluster-after-kill-1280");

        // Requests in flight on the killed worker's connections die with it: Chromium logs each reset, whoever retries it.
        // Those that reached the page were retried by it and counted; any other console error is a defect.
        var resets = rest.Errors.Count(error => error.Contains("net::ERR_", StringComparison.Ordinal));
        var retried = int.Parse((await summary.GetAttributeAsync("data-retried"))!, CultureInfo.InvariantCulture);
        Assert.True(resets == 0 || retried > 0, $"The browser logged {resets} failed connections, yet the page retried no call.");
        rest.AssertNoConsoleErrors("net::ERR_CONNECTION_RESET", "net::ERR_EMPTY_RESPONSE", "net::ERR_CONNECTION_CLOSED");
        cluster.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Rolling_reload_replaces_every_worker_and_scaling_adds_and_removes_one()
    {
#if (!NoRealtime)
        const string reloaded = "realtime"; // the hub's cluster, so the Api's stays as the scaling below expects
#else
        const string reloaded = "api";
#endif
        await using var cluster = await system.OpenTabAsync();
        await cluster.GotoAsync("/cluster");
        var before = new List<string>();
        for (var index = 0; index < SystemFixture.WorkersPerCluster; index++)
        {
            await Expect(Worker(cluster, reloaded, index)).ToHaveAttributeAsync("data-state", "Ready");
            before.Add((await Worker(cluster, reloaded, index).GetAttributeAsync("data-pid"))!);
        }

        await cluster.ByTestId($"reload-{reloaded}").ClickAsync();
        await Expect(cluster.ByTestId($"command-result-{reloaded}")).ToHaveAttributeAsync("data-ok", "true");
        for (var index = 0; index < SystemFixture.WorkersPerCluster; index++)
        {
            var worker = Worker(cluster, reloaded, index);
            await Expect(worker).Not.ToHaveAttributeAsync("data-pid", before[index], new() { Timeout = 90_000 });
            await Expect(worker).ToHaveAttributeAsync("data-state", "Ready", new() { Timeout = 60_000 });
        }

        await Expect(cluster.Page.Locator($"[data-testid=reload-{reloaded}][data-state=Completed]")).ToBeVisibleAsync(new() { Timeout = 60_000 });

        await cluster.ByTestId("scale-api-input").FillAsync("3");
        await cluster.ByTestId("scale-api-input").DispatchEventAsync("change");
        await cluster.ByTestId("scale-api-apply").ClickAsync();
        await Expect(Worker(cluster, "api", 2)).ToHaveAttributeAsync("data-state", "Ready", new() { Timeout = 60_000 });
        await cluster.ScreenshotAsync("cluster-1280");

        await cluster.ByTestId("scale-api-input").FillAsync("2");
        await cluster.ByTestId("scale-api-input").DispatchEventAsync("change");
        await cluster.ByTestId("scale-api-apply").ClickAsync();
        await Expect(Worker(cluster, "api", 2)).ToHaveCountAsync(0, new() { Timeout = 60_000 });
        cluster.AssertNoConsoleErrors();
    }

    private static ILocator Worker(BrowserTab tab, string service, int index) =>
        tab.Page.Locator($"[data-testid=worker-row][data-service={service}][data-index='{index}']");

    private static Task Eventually(Func<Task<bool>> condition) =>
        ReferenceApp.Testing.Eventually.TrueAsync(condition, TimeSpan.FromSeconds(60), "the burst to be under way");
}
