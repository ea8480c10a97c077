using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using ReferenceApp.AppHost.Dashboard.Otlp;

namespace ReferenceApp.AppHost.Dashboard.Authentication;

/// <summary>
/// Two secrets, two schemes: a browser presents the token printed at start-up once at <c>/login?t=</c> and gets an
/// HttpOnly cookie that the UI, the Blazor hub and every action require; exporters present the OTLP API key on each request.
/// </summary>
public static class DashboardAuthentication
{
    public const string BrowserScheme = "DashboardBrowser";
    public const string BrowserPolicy = "DashboardBrowser";
    public const string OtlpPolicy = "Otlp";
    public const string CookieName = ".ReferenceApp.Dashboard";
    public const string LoginPath = "/login";
    public const string TokenQueryParameter = "t";

    public static IServiceCollection AddDashboardAuthentication(this IServiceCollection services)
    {
        // Keys live in memory: the browser token is per run, so a cookie has nothing to outlive the process for,
        // and nothing is written to the developer's profile.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();

        services.AddAuthentication(BrowserScheme)
            .AddCookie(BrowserScheme, cookie =>
            {
                cookie.Cookie.Name = CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromDays(1);
                cookie.SlidingExpiration = true;
                cookie.LoginPath = LoginPath;
                cookie.AccessDeniedPath = LoginPath;
                cookie.Events.OnRedirectToLogin = context =>
                {
                    // The Blazor hub and scripts get a plain 401; only page navigations are sent to the login page.
                    if (IsNavigation(context.Request))
                    {
                        context.Response.Redirect(context.RedirectUri);
                    }
                    else
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    }

                    return Task.CompletedTask;
                };
            })
            .AddScheme<AuthenticationSchemeOptions, OtlpApiKeyAuthenticationHandler>(OtlpApiKeyAuthenticationHandler.SchemeName, null);

        services.AddAuthorizationBuilder()
            .AddPolicy(BrowserPolicy, policy => policy.AddAuthenticationSchemes(BrowserScheme).RequireAuthenticatedUser())
            .AddPolicy(OtlpPolicy, policy => policy.AddAuthenticationSchemes(OtlpApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        return services;
    }

    /// <summary><c>GET /login?t=&lt;token&gt;</c>: a right token sets the cookie and goes to the dashboard; anything else explains.</summary>
    public static IEndpointConventionBuilder MapDashboardLogin(this IEndpointRouteBuilder endpoints)
    {
        return endpoints.MapGet(LoginPath, async (HttpContext context, IOptions<DashboardOptions> options, string? t, string? returnUrl) =>
        {
            if (string.IsNullOrEmpty(t))
            {
                return TokenPage(null, returnUrl);
            }

            if (!TokenMatches(t, options.Value.BrowserToken))
            {
                return TokenPage("That token is not this run's dashboard token.", returnUrl);
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "dashboard-user")], BrowserScheme);
            await context.SignInAsync(BrowserScheme, new ClaimsPrincipal(identity));
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
        }).AllowAnonymous();
    }

    private static bool TokenMatches(string presented, string expected) =>
        expected.Length > 0
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    private static bool IsNavigation(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && !request.Path.StartsWithSegments("/_blazor")
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static IResult TokenPage(string? problem, string? returnUrl)
    {
        var error = problem is null ? string.Empty : $"<p class=\"error\">{WebUtility.HtmlEncode(problem)}</p>";
        var back = IsLocal(returnUrl) ? $"<input type=\"hidden\" name=\"returnUrl\" value=\"{WebUtility.HtmlEncode(returnUrl)}\" />" : string.Empty;
        var html = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8" />
              <meta name="viewport" content="width=device-width, initial-scale=1" />
              <title>Token required · ReferenceApp dashboard</title>
              <style>
                body { font: 15px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1f2328; display: grid; place-items: center; min-height: 100vh; margin: 0; }
                main { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 2rem 2.5rem; max-width: 34rem; }
                h1 { font-size: 1.3rem; margin-top: 0; }
                code, input { font-family: ui-monospace, monospace; }
                input { width: 100%; box-sizing: border-box; padding: .5rem; margin: .5rem 0; border: 1px solid #d0d7de; border-radius: 4px; }
                button { padding: .45rem 1.1rem; border: 0; border-radius: 4px; background: #0969da; color: #fff; cursor: pointer; }
                .error { color: #cf222e; }
              </style>
            </head>
            <body>
              <main>
                <h1>Token required</h1>
                <p>The dashboard only opens with this run's browser token. The AppHost prints a link with it at start-up:
                <code>Dashboard: http://localhost:18888/login?t=…</code></p>
                {{error}}
                <form method="get" action="{{LoginPath}}">
                  <label for="t">Or paste the token:</label>
                  <input id="t" name="{{TokenQueryParameter}}" autocomplete="off" autofocus />
                  {{back}}
                  <button type="submit">Log in</button>
                </form>
              </main>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status401Unauthorized);
    }
}
