using System.Text.Json;
using Microsoft.Playwright;
using ReferenceApp.Web.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace ReferenceApp.Web.Tests.Pages;

/// <summary>Redis goes down under a running system: the pages say so, state endpoints fail with 503, stateless ones keep serving.</summary>
public sealed class RedisOutageTests(SystemFixture system) : IClassFixture<SystemFixture>
{
    [Fact]
    public async Task Redis_outage_shows_a_banner_and_a_traced_503_while_stateless_calls_keep_succeeding()
    {
        await using var tab = await system.OpenTabAsync();
        await tab.GotoAsync("/rest");
        await Expect(tab.ByTestId("redis-down-banner")).ToHaveCountAsync(0);

        await system.Redis.StopAsync();
        await Expect(tab.ByTestId("redis-down-banner")).ToBeVisibleAsync(new() { Timeout = 30_000 });

        // The shared counter answers 503 problem details; the page links the failure to the trace the Api recorded. The
        // ten calls run in parallel and the page shows the first failure it processed, which need not be the first
        // response to arrive: the alert's trace must be the trace of one of the 503s.
        var failures = new List<Task<string>>();
        void OnResponse(object? sender, IResponse response)
        {
            if (response.Url.EndsWith("/api/counters/shared", StringComparison.Ordinal) && response.Status == 503)
            {
                lock (failures)
                {
                    failures.Add(response.TextAsync());
                }
            }
        }

        tab.Page.Response += OnResponse;
        await tab.ByTestId("increments").SelectOptionAsync("10");
        await tab.ByTestId("increment-both").ClickAsync();
        var alert = tab.ByTestId("counters-card").GetByTestId("call-error");
        await Expect(alert).ToContainTextAsync("503 Redis is unavailable");
        await Expect(tab.ByTestId("increment-both")).ToBeEnabledAsync();
        tab.Page.Response -= OnResponse;
        Task<string>[] bodies;
        lock (failures)
        {
            bodies = [.. failures];
        }

        var traceIds = (await Task.WhenAll(bodies)).Select(body => JsonDocument.Parse(body).RootElement.GetProperty("traceId").GetString()!).ToArray();
        Assert.NotEmpty(traceIds);
        var traceLink = await alert.Locator("a.trace-link").GetAttributeAsync("href");
        var traceId = traceLink![^32..];
        Assert.Contains(traceIds, problemTraceId => problemTraceId.Contains(traceId, StringComparison.Ordinal));

        // Stateless endpoints never touch Redis.
        await tab.ByTestId("burst-size").SelectOptionAsync("50");
        await tab.ByTestId("fire-burst").ClickAsync();
        var summary = tab.Page.Locator("[data-testid=burst-summary][data-running=false][data-done='50']");
        await Expect(summary).ToBeVisibleAsync(new() { Timeout = 60_000 });
        Assert.Equal("0", await summary.GetAttributeAsync("data-failed"));
        await tab.ScreenshotAsync("rest-redis-down-1280");

        await tab.GotoAsync("/sessions");
        await Expect(tab.ByTestId("call-error")).ToContainTextAsync("503");
        await Expect(tab.ByTestId("redis-down-banner")).ToBeVisibleAsync();
        await tab.ScreenshotAsync("sessions-redis-down-1280");

        await system.Redis.RestartAsync();
        await Expect(tab.ByTestId("redis-down-banner")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await tab.ByTestId("session-visit").ClickAsync();
        await Expect(tab.ByTestId("session-visits")).ToHaveTextAsync("1", new() { Timeout = 30_000 });

        // Chromium reports each failed response as a console error; the 503s are the point of this test, nothing else may appear.
        tab.AssertNoConsoleErrors("status of 503");
    }
}
