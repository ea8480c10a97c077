using System.Net;
using Microsoft.AspNetCore.Http;

namespace ReferenceApp.Supervisor.Control;

/// <summary>
/// Every control request must come from loopback and carry <c>Authorization: Bearer &lt;token&gt;</c>. Kestrel listens on
/// 127.0.0.1 only; the address check is a second line should someone put a proxy in front.
/// </summary>
internal sealed class ControlAuthenticationMiddleware(RequestDelegate next, ControlToken token)
{
    private const string Scheme = "Bearer ";

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The control API answers loopback clients only.").ExecuteAsync(context);
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || !token.Matches(header.AsSpan(Scheme.Length).Trim()))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "A valid bearer token is required (printed at start-up, or Supervisor:ControlToken).")
                .ExecuteAsync(context);
        }

        return next(context);
    }
}
