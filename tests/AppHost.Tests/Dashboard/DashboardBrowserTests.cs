using System.Globalization;
using System.Security.Cryptography;
using Aspire.Hosting.Testing;
using Microsoft.Playwright;
using ReferenceApp.AppHost.Tests.Hosting;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Http;
using ReferenceApp.Testing.Browser;

namespace ReferenceApp.AppHost.Tests.Dashboard;

/// <summary>The real Aspire dashboard in Chromium, as a person signs in and reads it.</summary>
[Collection(SharedAspireApp.Name)]
public sealed class DashboardBrowserTests(AspireAppFixture system) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private Chromium _chromium = null!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    [Fact]
    public async Task Dashboard_nests_the_workers_under_their_Supervisor_and_a_span_names_the_PID_that_served_it()
    {
        var login = await system.App.GetDashboardUrlAsync(CancellationToken.None)
            ?? throw new InvalidOperationException("The dashboard is not enabled.");
        var page = await _chromium.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        await page.GotoAsync(login.AbsoluteUri);

        // Resources: api's workers are rows of their own, indented under api, Ready, with no error banner above them.
        foreach (var worker in new[] { "api-0", "api-1" })
        {
            var name = page.Locator($"td[title='Worker: {worker}']");
            await Assertions.Expect(name).ToBeVisibleAsync(new() { Timeout = 30_000 });
            Assert.NotEqual("0px", await name.Locator(".resources-name-container").EvaluateAsync<string>("e => getComputedStyle(e).marginLeft"));
            await Assertions.Expect(page.Locator("tr.resource-row", new() { Has = name })).ToContainTextAsync("Ready");
        }

        Assert.Equal(0, await page.GetByText("No trusted development certificate").CountAsync());
        Assert.Equal(1, await page.Locator(".resource-name-text", new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^api$") }).CountAsync());
        await Screenshots.SaveAsync(page, "aspire-dashboard-resources");

        // One request with a trace id of our own: the dashboard's span for it shows the PID that X-Served-By names.
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        using var http = system.App.CreateHttpClient("api", "http");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/whoami");
        request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var servedBy = ServedBy.Header(response);
        var pid = ServedBy.Pid(servedBy).ToString(CultureInfo.InvariantCulture);

        var span = page.GetByText("GET /api/whoami", new() { Exact = true }).First;
        await Eventually.TrueAsync(async () =>
        {
            // Telemetry is exported in batches (1 s in Development): the trace may need a moment to arrive.
            await page.GotoAsync(new Uri(login, $"/traces/detail/{traceId}").AbsoluteUri);
            try
            {
                await span.WaitForAsync(new() { Timeout = 3_000 });
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }, Deadline, $"trace {traceId} in the dashboard");
        await span.ClickAsync();

        var pidValue = page.Locator("tr.fluent-data-grid-row", new() { Has = page.Locator(".grid-value[title='process.pid']") })
            .Locator("td.valueColumn .grid-value");
        await Assertions.Expect(pidValue).ToHaveTextAsync(pid, new() { Timeout = 10_000 });
        await pidValue.ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync($"api-{WorkerIndex(servedBy)}: GET /api/whoami");
        await Screenshots.SaveAsync(page, "aspire-dashboard-span-pid");
    }

    // X-Served-By is "api/1 pid=N": the instance id is the worker's slot, as its child resource api-1.
    private static string WorkerIndex(string servedBy) =>
        int.Parse(servedBy.Split('/', ' ')[1], NumberStyles.None, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
}
