using System.Net;
using System.Net.Http.Headers;

namespace ReferenceApp.AppHost.Tests.Dashboard;

/// <summary>The browser token and the cookie it buys: nothing of the UI, the Blazor hub or its actions without them.</summary>
public sealed class DashboardAuthenticationTests : IAsyncLifetime
{
    private DashboardServer _dashboard = null!;

    public async Task InitializeAsync() => _dashboard = await DashboardServer.StartAsync();

    public async Task DisposeAsync() => await _dashboard.DisposeAsync();

    [Fact]
    public async Task A_browser_without_the_cookie_is_sent_to_the_login_page_and_the_hub_refuses_it()
    {
        using var page = new HttpRequestMessage(HttpMethod.Get, "/traces");
        page.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var redirected = await _dashboard.UiClient.SendAsync(page);
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Ftraces", redirected.Headers.Location?.PathAndQuery);

        using var hub = await _dashboard.UiClient.PostAsync(new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Unauthorized, hub.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?t=not-the-token")]
    public async Task Login_without_the_right_token_explains_and_sets_no_cookie(string query)
    {
        using var response = await _dashboard.UiClient.GetAsync(new Uri("/login" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Contains("Token required", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_with_the_token_sets_an_http_only_cookie_that_opens_the_ui_and_the_hub()
    {
        using var login = await _dashboard.UiClient.GetAsync(new Uri($"/login?t={_dashboard.BrowserToken}&returnUrl=%2Ftraces", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/traces", login.Headers.Location?.OriginalString);
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(".ReferenceApp.Dashboard=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        var cookie = setCookie.Split(';')[0];

        using var page = new HttpRequestMessage(HttpMethod.Get, "/traces");
        page.Headers.Add("Cookie", cookie);
        using var ui = await _dashboard.UiClient.SendAsync(page);
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Contains("<title>ReferenceApp dashboard</title>", await ui.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var negotiate = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        negotiate.Headers.Add("Cookie", cookie);
        using var hub = await _dashboard.UiClient.SendAsync(negotiate);
        Assert.Equal(HttpStatusCode.OK, hub.StatusCode);
    }

    [Fact]
    public async Task Login_never_redirects_off_the_dashboard()
    {
        using var login = await _dashboard.UiClient.GetAsync(new Uri($"/login?t={_dashboard.BrowserToken}&returnUrl=%2F%2Fevil.example%2F", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/", login.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_otlp_api_key_is_not_a_browser_token()
    {
        using var response = await _dashboard.UiClient.GetAsync(new Uri($"/login?t={_dashboard.ApiKey}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
