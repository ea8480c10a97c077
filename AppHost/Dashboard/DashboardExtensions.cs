using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using ReferenceApp.AppHost.Hosting;

namespace ReferenceApp.AppHost.Dashboard;

/// <summary>
/// The dashboard's endpoints. A minimal stand-in until the dashboard issue replaces this file: it listens on the three
/// ports, lets a browser in with the login token and lists the resources as plain HTML. <see cref="DashboardOptions"/>
/// is bound, validated and given generated tokens by the hosting layer (<c>DistributedApplication.CreateBuilder</c>).
/// </summary>
public static class DashboardExtensions
{
    private const string TokenQueryKey = "t";

    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<DashboardOptions>>((kestrel, dashboard) =>
            {
                var options = dashboard.Value;
                kestrel.ListenLocalhost(options.Port, listen => listen.Protocols = HttpProtocols.Http1);
                // OTLP/gRPC exporters speak HTTP/2 without TLS (prior knowledge), which needs an HTTP/2-only endpoint.
                kestrel.ListenLocalhost(options.OtlpGrpcPort, listen => listen.Protocols = HttpProtocols.Http2);
                kestrel.ListenLocalhost(options.OtlpHttpPort, listen => listen.Protocols = HttpProtocols.Http1);
            });

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.Cookie.Name = ".ReferenceApp.Dashboard";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.LoginPath = "/login";
            });
        builder.Services.AddAuthorization();
        return builder;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/login", async (HttpContext context, IOptions<DashboardOptions> options) =>
        {
            var given = context.Request.Query[TokenQueryKey].ToString();
            if (!TokensEqual(given, options.Value.BrowserToken))
            {
                return Results.Content(
                    "<!doctype html><title>Dashboard login</title><p>Open the login URL the AppHost printed at start-up.</p>",
                    "text/html; charset=utf-8",
                    statusCode: StatusCodes.Status401Unauthorized);
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "dashboard")], CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
            return Results.Redirect("/");
        }).AllowAnonymous();

        app.MapGet("/", (IResourceMonitor monitor) => Results.Content(ResourceListHtml(monitor.GetResources()), "text/html; charset=utf-8"))
            .RequireAuthorization();

        return app;
    }

    private static bool TokensEqual(string given, string expected) =>
        given.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    private static string ResourceListHtml(IReadOnlyList<ResourceSnapshot> resources)
    {
        var html = new StringBuilder("<!doctype html><title>ReferenceApp resources</title><h1>Resources</h1><table>")
            .Append("<tr><th>Name</th><th>Type</th><th>State</th><th>Endpoints</th><th>PIDs</th></tr>");
        foreach (var resource in resources)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode(resource.Name)}</td><td>{Encode(resource.Type)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{resource.State}</td><td>{Encode(string.Join(' ', resource.Endpoints))}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{string.Join(' ', resource.Pids)}</td></tr>");
        }

        return html.Append("</table>").ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
