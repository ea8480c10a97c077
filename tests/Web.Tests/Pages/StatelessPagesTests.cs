using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ReferenceApp.Testing.Browser;
using ReferenceApp.Web.Tests.Browser;
using ReferenceApp.Web.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace ReferenceApp.Web.Tests.Pages;

/// <summary>The Overview, Stateless REST and Sessions pages, through the real AppHost, in Chromium.</summary>
public sealed class StatelessPagesTests(SystemFixture system) : IClassFixture<SystemFixture>
{
    [Fact]
    public async Task Overview_draws_every_worker_with_the_pid_that_answers_the_api()
    {
        var apiPids = await ApiWorkers.PidsAsync(system.ApiUrl, SystemFixture.WorkersPerCluster);
        await using var tab = await system.OpenTabAsync();
        await tab.GotoAsync("/");
        var diagram = tab.ByTestId("system-diagram").Locator("svg.diagram-wide");

#if (!NoRealtime)
        foreach (var service in new[] { "api", "realtime" })
#else
        foreach (var service in new[] { "api" })
#endif
        {
            for (var index = 0; index < SystemFixture.WorkersPerCluster; index++)
            {
                var worker = diagram.Locator($"[data-node={service}-worker-{index}]");
                await Expect(worker).ToContainTextAsync("Ready");
                var pid = Number(await worker.GetAttributeAsync("data-pid"));
                Assert.True(ApiWorkers.IsAlive(pid), $"{service}-{index} shows pid {pid}, which is not a live process.");
                if (service == "api")
                {
                    Assert.Contains(pid, apiPids);
                }
            }
        }

        await Expect(diagram.Locator("[data-node=redis]")).ToContainTextAsync("up");
        await Expect(tab.ByTestId("resource-api")).ToContainTextAsync($"{SystemFixture.WorkersPerCluster}/{SystemFixture.WorkersPerCluster} ready");
        await tab.ScreenshotAsync("overview-1280");
        tab.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Burst_of_100_parallel_calls_spreads_over_the_api_workers_and_every_call_succeeds()
    {
        var apiPids = await ApiWorkers.PidsAsync(system.ApiUrl, SystemFixture.WorkersPerCluster);
        await using var tab = await system.OpenTabAsync();
        await tab.GotoAsync("/rest");
        await tab.ByTestId("burst-size").SelectOptionAsync("100");
        await tab.ByTestId("fire-burst").ClickAsync();

        var summary = tab.Page.Locator("[data-testid=burst-summary][data-running=false][data-done='100']");
        await Expect(summary).ToBeVisibleAsync(new() { Timeout = 60_000 });
        Assert.Equal("100", await summary.GetAttributeAsync("data-ok"));
        Assert.Equal("0", await summary.GetAttributeAsync("data-failed"));

        // The browser opened several connections; the Supervisor gave them to different workers.
        var bars = tab.ByTestId("pid-bars").Locator(".bar-row");
        var served = new Dictionary<int, int>();
        foreach (var bar in await bars.AllAsync())
        {
            served[Number(await bar.GetAttributeAsync("data-pid"))] = Number(await bar.GetAttributeAsync("data-count"));
        }

        Assert.Equal(100, served.Values.Sum());
        Assert.True(served.Count >= 2, $"Every call was served by one process: {string.Join(", ", served.Keys)}.");
        Assert.All(served.Keys, pid => Assert.Contains(pid, apiPids));

        // Every call links to its trace in the dashboard, by the trace id the browser sent in its traceparent.
        await tab.Page.Locator("[data-testid=burst-card] details summary").ClickAsync();
        var links = tab.ByTestId("calls-table").Locator("a.trace-link");
        await Expect(links).ToHaveCountAsync(100);
        var href = await links.First.GetAttributeAsync("href");
        Assert.Matches(TraceUrl(system.DashboardUrl), href!);

        await tab.ScreenshotAsync("rest-1280");
        tab.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Call_links_to_its_trace_in_the_dashboard_which_names_the_pid_that_served_it()
    {
        await using var tab = await system.OpenTabAsync();
        await tab.GotoAsync("/rest");
        await tab.ByTestId("burst-size").SelectOptionAsync("10");
        await tab.ByTestId("fire-burst").ClickAsync();
        await Expect(tab.Page.Locator("[data-testid=burst-summary][data-running=false][data-ok='10']")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var firstCall = tab.ByTestId("calls-table").Locator("tbody tr").First;
        var pid = await firstCall.Locator("[data-pid]").GetAttributeAsync("data-pid");
        var trace = await firstCall.Locator("a.trace-link").GetAttributeAsync("href");

        // The person signs in to the Aspire dashboard once (the AppHost prints the link), then follows the page's link.
        var dashboard = await tab.Context.NewPageAsync();
        await dashboard.GotoAsync(system.DashboardLogin.AbsoluteUri);
        var serverSpan = dashboard.Locator("tr", new() { Has = dashboard.GetByText("GET /api/whoami", new() { Exact = true }) }).First;
        await ReferenceApp.Testing.Eventually.TrueAsync(
            async () =>
            {
                // Telemetry is exported in batches (1 s in Development): the trace may need a moment to arrive.
                await dashboard.GotoAsync(trace!);
                try
                {
                    await serverSpan.WaitForAsync(new() { Timeout = 3_000 });
                    return true;
                }
                catch (TimeoutException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60),
            $"trace {trace} in the dashboard");
        await serverSpan.ClickAsync();
        var spanPid = dashboard.Locator("tr.fluent-data-grid-row", new() { Has = dashboard.Locator(".grid-value[title='process.pid']") })
            .Locator("td.valueColumn .grid-value");
        await Expect(spanPid).ToHaveTextAsync(pid!, new() { Timeout = 10_000 });
        await spanPid.ScrollIntoViewIfNeededAsync();
        await Screenshots.SaveAsync(dashboard, "dashboard-trace-of-a-browser-call-1280");
        tab.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Local_counter_splits_per_worker_while_the_shared_counter_counts_every_increment()
    {
        await using var tab = await system.OpenTabAsync();
        await tab.GotoAsync("/rest");
        await tab.ByTestId("increments").SelectOptionAsync("20");
        await tab.ByTestId("increment-both").ClickAsync();

        await Expect(tab.ByTestId("shared-counter")).ToContainTextAsync("You sent 20 (20 succeeded)", new() { Timeout = 30_000 });
        await Expect(tab.ByTestId("local-counter")).ToContainTextAsync("You sent 20");
        var shared = Number(await tab.ByTestId("shared-counter-value").InnerTextAsync());
        Assert.True(shared >= 20, $"The shared counter says {shared} after 20 increments.");

        // This AppHost's workers are fresh: each local counter holds exactly the increments that worker served.
        var locals = await tab.ByTestId("local-counter").Locator("li[data-pid]").AllAsync();
        var values = new List<int>();
        foreach (var local in locals)
        {
            values.Add(Number(await local.GetAttributeAsync("data-value")));
        }

        Assert.True(values.Count >= 2, "Only one worker answered the local counter.");
        Assert.Equal(20, values.Sum());
        Assert.All(values, value => Assert.True(value < 20, "One local counter saw every increment."));

        await tab.ScreenshotAsync("rest-counters-1280");
        tab.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Session_survives_hops_between_workers()
    {
        await using var tab = await system.OpenTabAsync();
        await tab.GotoAsync("/sessions");
        await tab.ByTestId("session-walk").ClickAsync();

        // The walk: visit, six reads, add to cart, six reads, visit, six reads.
        var summary = tab.Page.Locator("[data-testid=session-summary][data-steps='21']");
        await Expect(summary).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(tab.ByTestId("session-steps").Locator("tr.row-error")).ToHaveCountAsync(0);
        Assert.Equal("1", await summary.GetAttributeAsync("data-sessions"));
        Assert.True(Number(await summary.GetAttributeAsync("data-processes")) >= 2, "The walk never left one worker.");
        await Expect(tab.ByTestId("session-visits")).ToHaveTextAsync("2");
        await Expect(tab.ByTestId("session-cart")).ToContainTextAsync("2 × Green tea");
        await tab.ScreenshotAsync("sessions-1280");

        // A reload reads the same session back: the cookie, not the page, holds it.
        await tab.GotoAsync("/sessions");
        await Expect(tab.ByTestId("session-visits")).ToHaveTextAsync("2");
        await Expect(tab.ByTestId("session-cart")).ToContainTextAsync("2 × Green tea");
        tab.AssertNoConsoleErrors();
    }

    [Theory]
    [InlineData("/", "overview")]
    [InlineData("/rest", "rest")]
    [InlineData("/sessions", "sessions")]
#if (!NoRealtime)
    [InlineData("/realtime", "realtime")]
#endif
    [InlineData("/cluster", "cluster")]
    public async Task Page_fits_a_390_px_screen_without_sideways_scrolling(string path, string name)
    {
        await using var tab = await system.OpenTabAsync(BrowserTab.NarrowWidth);
        await tab.GotoAsync(path);
        await Expect(tab.Page.Locator("h1")).ToBeVisibleAsync();
        if (path == "/")
        {
            await Expect(tab.ByTestId("system-diagram").Locator("svg.diagram-tall [data-node=api-worker-0]")).ToContainTextAsync("Ready");
        }

        var overflow = await tab.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        await tab.ScreenshotAsync($"{name}-390");
        Assert.True(overflow <= 0, $"{path} is {overflow} px wider than a 390 px screen.");
        tab.AssertNoConsoleErrors();
    }

    internal static Regex TraceUrl(Uri dashboard) => new($"^{Regex.Escape(dashboard.GetLeftPart(UriPartial.Authority))}/traces/detail/[0-9a-f]{{32}}$");

    private static int Number(string? text) => int.Parse(text ?? throw new InvalidOperationException("no number"), NumberStyles.Integer, CultureInfo.InvariantCulture);
}
