using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReferenceApp.ServiceDefaults.Hosting;

namespace ReferenceApp.ServiceDefaults.Cors;

/// <summary>
/// CORS for the Web front end: its origin, as service discovery names it (<c>services__web__http__0</c>, <c>services__web__https__0</c>),
/// may call with credentials (session cookie, SignalR negotiate). No other origin is allowed; with no Web configured, none is.
/// </summary>
public static class WebOriginCorsExtensions
{
    public const string PolicyName = "web-origin";

    /// <summary>The service discovery name of the front end.</summary>
    public const string WebServiceName = "web";

    public static TBuilder AddWebOriginCors<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var origins = WebOrigins(builder.Configuration);
        builder.Services.AddCors(cors => cors.AddPolicy(PolicyName, policy =>
        {
            policy.WithOrigins(origins)
                .AllowCredentials()
                .AllowAnyHeader()
                .AllowAnyMethod()
                // The front end shows which worker answered; without this a cross-origin script cannot read the header.
                .WithExposedHeaders(ServedByHeaderMiddleware.HeaderName);
        }));
        return builder;
    }

    /// <summary>Applies the policy to every endpoint; call it after routing, before the endpoints (anywhere in a minimal-API Program.cs).</summary>
    public static IApplicationBuilder UseWebOriginCors(this IApplicationBuilder app) => app.UseCors(PolicyName);

    /// <summary>Every endpoint service discovery lists for the Web service, as origins (<c>scheme://host:port</c>, no path).</summary>
    public static string[] WebOrigins(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var endpoints = configuration.GetSection($"services:{WebServiceName}");
        return endpoints.GetChildren()
            .SelectMany(scheme => scheme.GetChildren())
            .Select(endpoint => endpoint.Value)
            .OfType<string>()
            .Select(value => Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri.GetLeftPart(UriPartial.Authority)
                : throw new InvalidOperationException(
                    $"services:{WebServiceName} holds '{value}', which is not an absolute http(s) URL; CORS needs the Web front end's origin."))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
    }
}
