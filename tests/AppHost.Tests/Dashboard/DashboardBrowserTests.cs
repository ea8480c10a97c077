using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ReferenceApp.Testing;
using Xunit.Abstractions;

namespace ReferenceApp.AppHost.Tests.Dashboard;

/// <summary>
/// The dashboard of the real AppHost, in Chromium, doing what a developer does with it. Screenshots of every step are
/// saved under the test output's TestResults/screenshots for a person to look at. The tests share one AppHost and act on
/// different resources (api; realtime and web), so their order does not matter.
/// </summary>
public sealed partial class DashboardBrowserTests(DashboardBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<DashboardBrowserFixture>
{
    private static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    private RunningAppHost Host => fixture.AppHost;

    [Fact]
    public async Task Developer_logs_in_sees_worker_pids_finds_the_pid_that_served_a_call_and_replaces_a_killed_worker()
    {
        output.WriteLine($"AppHost running after {fixture.StartupTime.TotalSeconds:F1} s");
        await using var context = await fixture.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);

        // Without the token there is no dashboard, only the page that asks for it.
        var refused = await page.GotoAsync(Host.DashboardAddress.ToString());
        Assert.Equal((int)HttpStatusCode.Unauthorized, refused!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Token required" })).ToBeVisibleAsync();

        // The printed link logs in and lands on the resources, with each Supervisor's workers and their PIDs.
        await page.GotoAsync(Host.LoginUrl.ToString());
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/$"));
        var apiWorkers = page.Locator("table[data-testid=workers][data-resource=api] tbody tr");
        await Assertions.Expect(apiWorkers).ToHaveCountAsync(2);
        await Assertions.Expect(apiWorkers.Locator("[data-testid=worker-pid]").First).ToHaveTextAsync(new Regex(@"^\d+$"));
        await Assertions.Expect(page.Locator("table[data-testid=workers][data-resource=api] tr[data-state=Ready]")).ToHaveCountAsync(2);
        var workerPids = await WorkerPidsAsync(page, "api");
        var apiRow = page.Locator("table[data-testid=resources] > tbody > tr[data-resource=api]");
        foreach (var pid in workerPids)
        {
            await Assertions.Expect(apiRow.Locator("[data-testid=pids]")).ToContainTextAsync(pid.ToString(CultureInfo.InvariantCulture));
        }

        await ScreenshotAsync(page, "01-resources");

        // With the traces page open, call the Api with a trace id of our own (so the test knows which trace is this
        // call's): the trace appears without a reload, and its waterfall names the PID that served the call.
        await Nav(page, "Traces").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Traces" })).ToBeVisibleAsync();
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var http = new HttpClient { BaseAddress = Host.ApiAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/whoami");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var servedBy = Assert.Single(response.Headers.GetValues("X-Served-By"));
        var servedByPid = int.Parse(ServedByPid().Match(servedBy).Groups["pid"].Value, CultureInfo.InvariantCulture);
        Assert.Contains(servedByPid, workerPids);
        var answered = Stopwatch.StartNew();

        var row = page.Locator($"tr[data-trace-id='{traceId}']");
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = 30_000 });
        output.WriteLine($"Trace listed live {answered.ElapsedMilliseconds} ms after the Api answered (exporter batch delay 1000 ms, page refresh at most every 250 ms)");
        await ScreenshotAsync(page, "02-traces");
        await row.ClickAsync();
        var serverSpan = page.Locator("[data-testid=span][data-service=api][data-kind=Server]");
        await Assertions.Expect(serverSpan).ToHaveCountAsync(1);
        var waterfallPid = await serverSpan.Locator("[data-testid=span-pid]").InnerTextAsync();
        Assert.Equal(servedByPid.ToString(CultureInfo.InvariantCulture), waterfallPid.Trim());
        Assert.Contains(ServedByWorker().Match(servedBy).Groups["worker"].Value, await serverSpan.Locator("[data-testid=span-worker]").InnerTextAsync(), StringComparison.Ordinal);
        await serverSpan.Locator("[data-testid=span-toggle]").ClickAsync();
        var attributes = serverSpan.Locator("[data-testid=span-attributes]");
        await Assertions.Expect(attributes).ToContainTextAsync("/api/whoami");
        await Assertions.Expect(attributes).ToContainTextAsync("process.pid" + servedByPid.ToString(CultureInfo.InvariantCulture));
        await ScreenshotAsync(page, "03-trace-waterfall");

        // Kill a worker from the UI: the Supervisor replaces it and the table shows the new PID.
        await Nav(page, "Resources").ClickAsync();
        var worker0 = page.Locator("table[data-testid=workers][data-resource=api] tr[data-worker-index='0']");
        await Assertions.Expect(worker0).ToHaveAttributeAsync("data-state", "Ready");
        var killedPid = int.Parse((await worker0.GetAttributeAsync("data-pid"))!, CultureInfo.InvariantCulture);
        await worker0.Locator("[data-testid=kill-worker]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync($"pid {killedPid}");
        await Assertions.Expect(worker0).Not.ToHaveAttributeAsync("data-pid", killedPid.ToString(CultureInfo.InvariantCulture), new() { Timeout = 60_000 });
        await Assertions.Expect(worker0).ToHaveAttributeAsync("data-state", "Ready", new() { Timeout = 60_000 });
        var replacementPid = int.Parse((await worker0.GetAttributeAsync("data-pid"))!, CultureInfo.InvariantCulture);
        Assert.NotEqual(killedPid, replacementPid);
        Assert.False(Directory.Exists($"/proc/{killedPid}") && !IsZombie(killedPid), $"pid {killedPid} still runs after Kill");
        Assert.True(Directory.Exists($"/proc/{replacementPid}"), $"the replacement pid {replacementPid} is not a running process");
        await Assertions.Expect(worker0.Locator("td").Nth(4)).Not.ToHaveTextAsync("0");
        await ScreenshotAsync(page, "04-worker-replaced");

        // The other pages, for a person to look at.
        await page.GotoAsync(new Uri(Host.DashboardAddress, "console/api").ToString());
        await Assertions.Expect(page.Locator("[data-testid=console] .line").First).ToBeVisibleAsync();
        await ScreenshotAsync(page, "05-console-api");
        await page.GotoAsync(new Uri(Host.DashboardAddress, $"structuredlogs?resource=api&pid={replacementPid}").ToString());
        await Assertions.Expect(page.Locator($"table[data-testid=logs] tr[data-pid='{replacementPid}']").First).ToBeVisibleAsync();
        await ScreenshotAsync(page, "06-structured-logs");
        // Traffic on new connections, which the kernel spreads over both workers: each gets a line in requests per worker.
        await page.GotoAsync(new Uri(Host.DashboardAddress, "metrics/api?instrument=http.server.request.duration").ToString());
        string[] workerLabels = [$"api-0 pid={replacementPid}", $"api-1 pid={workerPids.Single(pid => pid != killedPid)}"];
        using (var traffic = new CancellationTokenSource())
        {
            var load = SendTrafficAsync(Host.ApiAddress, traffic.Token);
            foreach (var label in workerLabels)
            {
                var legend = page.Locator($"[data-testid=requests-per-worker] .legend[data-label='{label}']");
                await Assertions.Expect(legend).ToBeVisibleAsync(new() { Timeout = 30_000 });
                await Assertions.Expect(legend).Not.ToHaveAttributeAsync("data-latest", "0", new() { Timeout = 30_000 });
            }

            await traffic.CancelAsync();
            output.WriteLine($"{await load} requests sent while the chart filled");
        }

        await ScreenshotAsync(page, "07-metrics");
    }

    [Fact]
    public async Task Rolling_reload_scale_and_resource_restart_from_the_ui_replace_the_processes()
    {
        await using var context = await fixture.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(Host.LoginUrl.ToString());
        var workers = page.Locator("table[data-testid=workers][data-resource=realtime] tbody tr");
        var ready = page.Locator("table[data-testid=workers][data-resource=realtime] tbody tr[data-state=Ready]");
        await Assertions.Expect(ready).ToHaveCountAsync(2);
        var before = await WorkerPidsAsync(page, "realtime");

        // Rolling reload: one worker at a time, each replaced by a new process.
        var supervisor = page.Locator("tr.sub", new() { Has = page.Locator("table[data-testid=workers][data-resource=realtime]") });
        await supervisor.Locator("[data-testid=reload]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("Rolling reload of realtime started");
        await Eventually.TrueAsync(
            async () => await ready.CountAsync() == 2 && !(await WorkerPidsAsync(page, "realtime")).Intersect(before).Any(),
            TimeSpan.FromSeconds(120),
            "both realtime workers replaced by the rolling reload");
        await ScreenshotAsync(page, "08-realtime-reloaded");

        // Scale out to three workers, then back to two.
        await ScaleAsync(supervisor, 3);
        await Assertions.Expect(workers).ToHaveCountAsync(3, new() { Timeout = 90_000 });
        await Assertions.Expect(ready).ToHaveCountAsync(3, new() { Timeout = 90_000 });
        await ScreenshotAsync(page, "09-realtime-scaled-to-3");
        await ScaleAsync(supervisor, 2);
        await Assertions.Expect(workers).ToHaveCountAsync(2, new() { Timeout = 90_000 });

        // Restart a whole resource: web's process is replaced and it runs again.
        var web = page.Locator("table[data-testid=resources] > tbody > tr[data-resource=web]");
        var webPid = (await web.Locator("[data-testid=pids]").InnerTextAsync()).Trim();
        await web.Locator("[data-testid=restart-resource]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("web restarted.", new() { Timeout = 120_000 });
        await Assertions.Expect(web.Locator("[data-testid=state]")).ToHaveTextAsync("Running");
        await Assertions.Expect(web.Locator("[data-testid=pids]")).Not.ToHaveTextAsync(webPid);
        await Assertions.Expect(web.Locator("td.num").First).ToHaveTextAsync("1");
        await ScreenshotAsync(page, "10-web-restarted");
    }

    private static async Task ScaleAsync(ILocator supervisor, int workers)
    {
        await supervisor.Locator("[data-testid=scale-input]").FillAsync(workers.ToString(CultureInfo.InvariantCulture));
        await supervisor.Locator("[data-testid=scale-input]").PressAsync("Tab");
        await supervisor.Locator("[data-testid=scale]").ClickAsync();
    }

    /// <summary>One request per connection (Connection: close) until cancelled, so the kernel balances every request.</summary>
    private static async Task<int> SendTrafficAsync(Uri api, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = api };
        var sent = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/whoami");
            request.Headers.ConnectionClose = true;
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                sent++;
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return sent;
    }

    private static ILocator Nav(IPage page, string name) =>
        page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    private static async Task<int[]> WorkerPidsAsync(IPage page, string resource)
    {
        var cells = await page.Locator($"table[data-testid=workers][data-resource={resource}] [data-testid=worker-pid]").AllInnerTextsAsync();
        return cells.Select(text => int.Parse(text, CultureInfo.InvariantCulture)).ToArray();
    }

    private static bool IsZombie(int pid) =>
        File.Exists($"/proc/{pid}/stat") && File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    private async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        var path = Path.Combine(Screenshots, name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }

    [GeneratedRegex(@"pid=(?<pid>\d+)")]
    private static partial Regex ServedByPid();

    [GeneratedRegex(@"/(?<worker>\S+) pid=")]
    private static partial Regex ServedByWorker();
}
