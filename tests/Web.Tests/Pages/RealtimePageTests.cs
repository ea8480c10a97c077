using System.Globalization;
using ReferenceApp.Testing.Browser;
using ReferenceApp.Web.Tests.Browser;
using ReferenceApp.Web.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace ReferenceApp.Web.Tests.Pages;

/// <summary>The Realtime page: the browser's own SignalR connection through the sticky hub cluster, chat and Api broadcasts.</summary>
public sealed class RealtimePageTests(SystemFixture system) : IClassFixture<SystemFixture>
{
    [Fact]
    public async Task Two_tabs_pinned_to_different_hub_workers_chat_and_receive_api_broadcasts()
    {
        await using var first = await system.OpenTabAsync();
        var firstPid = await ConnectAsync(first, "WebSockets");

        // Another person: a fresh context, without an affinity cookie. Each browser connect makes two cookieless
        // connections (the CORS preflight of negotiate, then negotiate); the Supervisor does not count the preflight for
        // round-robin, so the second browser is pinned to the other worker straight away.
        var second = await system.OpenTabAsync();
        var secondPid = await ConnectAsync(second, "WebSockets");

        await using var other = second;
        Assert.NotEqual(firstPid, secondPid);

        await SayAsync(first, "hello from the first tab");
        var received = other.ByTestId("chat-message").And(other.Page.Locator("[data-text='hello from the first tab']"));
        await Expect(received).ToHaveAttributeAsync("data-sender-pid", Text(firstPid));
        await Expect(received).ToHaveAttributeAsync("data-deliverer-pid", Text(secondPid));
        await Expect(received).ToContainTextAsync("crossed workers");

        await SayAsync(other, "and back from the second");
        var reply = first.ByTestId("chat-message").And(first.Page.Locator("[data-text='and back from the second']"));
        await Expect(reply).ToHaveAttributeAsync("data-sender-pid", Text(secondPid));
        await Expect(reply).ToHaveAttributeAsync("data-deliverer-pid", Text(firstPid));

        // Rooms span workers too.
        foreach (var tab in new[] { first, other })
        {
            await tab.ByTestId("room-input").FillAsync("ops");
            await tab.ByTestId("room-join").ClickAsync();
            await Expect(tab.ByTestId("room-leave")).ToBeVisibleAsync();
        }

        await SayAsync(first, "room message");
        await Expect(other.ByTestId("chat-message").And(other.Page.Locator("[data-text='room message']"))).ToContainTextAsync("# ops");

        // The browser asks an Api worker to publish; each hub worker delivers to the connections it holds.
        await first.ByTestId("broadcast-input").FillAsync("maintenance at noon");
        await first.ByTestId("broadcast-send").ClickAsync();
        var publishers = new List<string?>();
        foreach (var (tab, pid) in new[] { (first, firstPid), (other, secondPid) })
        {
            var delivery = tab.ByTestId("broadcast-delivery").And(tab.Page.Locator("[data-text='maintenance at noon']"));
            await Expect(delivery).ToHaveAttributeAsync("data-hub-pid", Text(pid));
            publishers.Add(await delivery.GetAttributeAsync("data-publisher-pid"));
        }

        var apiPids = await ApiWorkers.PidsAsync(system.ApiUrl, SystemFixture.WorkersPerCluster);
        Assert.Single(publishers.Distinct());
        Assert.Contains(int.Parse(publishers[0]!, CultureInfo.InvariantCulture), apiPids);

        await first.ScreenshotAsync("realtime-1280");
        await other.ScreenshotAsync("realtime-second-tab-1280");
        first.AssertNoConsoleErrors();
        other.AssertNoConsoleErrors();
    }

    [Theory]
    [InlineData("WebSockets")]
    [InlineData("ServerSentEvents")]
    [InlineData("LongPolling")]
    public async Task Connection_stays_pinned_to_one_hub_worker_over_each_transport(string transport)
    {
        await using var tab = await system.OpenTabAsync();
        var pid = await ConnectAsync(tab, transport);
        await Expect(tab.ByTestId("hub-pinned")).ToHaveAttributeAsync("data-transport", transport);

        // Every request of SSE and long polling is a new HTTP request, often on a new connection: sticky routing keeps them on one worker.
        for (var check = 0; check < 3; check++)
        {
            await tab.ByTestId("hub-whoami").ClickAsync();
        }

        await Expect(tab.ByTestId("hub-pinned")).ToContainTextAsync("4, from 1 process");
        await Expect(tab.ByTestId("hub-pinned")).ToHaveAttributeAsync("data-pid", Text(pid));
        await SayAsync(tab, $"over {transport}");
        await Expect(tab.ByTestId("chat-message").And(tab.Page.Locator($"[data-text='over {transport}']"))).ToHaveAttributeAsync("data-sender-pid", Text(pid));
        tab.AssertNoConsoleErrors();
    }

    private static async Task<int> ConnectAsync(BrowserTab tab, string transport)
    {
        await tab.GotoAsync("/realtime");
        // The radio is visually hidden inside its label, as segmented controls are: a person clicks the label.
        await tab.ByTestId($"transport-{transport}").Locator("..").ClickAsync();
        await Expect(tab.ByTestId($"transport-{transport}")).ToBeCheckedAsync();
        await tab.ByTestId("hub-connect").ClickAsync();
        var pinned = tab.ByTestId("hub-pinned");
        await Expect(pinned).ToBeVisibleAsync();
        return int.Parse((await pinned.GetAttributeAsync("data-pid"))!, CultureInfo.InvariantCulture);
    }

    private static async Task SayAsync(BrowserTab tab, string text)
    {
        await tab.ByTestId("chat-input").FillAsync(text);
        await tab.ByTestId("chat-send").ClickAsync();
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
