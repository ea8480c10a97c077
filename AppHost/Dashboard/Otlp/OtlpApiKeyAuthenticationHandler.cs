using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ReferenceApp.AppHost.Dashboard.Otlp.Http;

namespace ReferenceApp.AppHost.Dashboard.Otlp;

/// <summary>
/// Accepts an OTLP request when its <c>x-otlp-api-key</c> header equals the configured key (as Aspire's dashboard does).
/// A refused gRPC call gets UNAUTHENTICATED in gRPC's own terms; a refused HTTP export gets 401 with a google.rpc.Status.
/// </summary>
internal sealed class OtlpApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<DashboardOptions> dashboard)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "OtlpApiKey";
    public const string HeaderName = DashboardOptions.OtlpApiKeyHeader;

    private readonly byte[] _expected = Encoding.UTF8.GetBytes(dashboard.Value.OtlpApiKey);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // Fixed-time comparison: the time taken must not reveal how much of the key was right.
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(values[0]!), _expected))
        {
            return Task.FromResult(AuthenticateResult.Fail($"The {HeaderName} header does not match the dashboard's OTLP API key."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "otlp-exporter")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var message = $"OTLP exports need the {HeaderName} header with the dashboard's API key.";
        if (Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            // A trailers-only gRPC response: HTTP 200, the status in the headers.
            Response.StatusCode = StatusCodes.Status200OK;
            Response.ContentType = "application/grpc";
            Response.Headers["grpc-status"] = ((int)global::Grpc.Core.StatusCode.Unauthenticated).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            return;
        }

        await OtlpHttpEndpoints.Error(StatusCodes.Status401Unauthorized, message).ExecuteAsync(Context);
    }
}
