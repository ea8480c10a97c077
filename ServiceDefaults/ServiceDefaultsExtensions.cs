using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReferenceApp.ServiceDefaults.Health;
using ReferenceApp.ServiceDefaults.Hosting;
using ReferenceApp.ServiceDefaults.Redis;
using ReferenceApp.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every service calls, in the shape of Aspire's service defaults: telemetry, health, service discovery and
/// resilience, plus the few cluster-wide defaults: the worker's identity on every signal, Redis with one shared Data
/// Protection key ring, problem details (503 while Redis is down), and exit code 2 with every problem for invalid settings.
/// It adds no middleware: each service's Program.cs
/// shows its pipeline. Running under a Supervisor is the worker library's (<c>AddSupervision</c>), not this.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Settings that fail their validation end the process with one line per problem and exit code 2 (SettingsCheck).
        SettingsCheck.Install(builder.Environment.ApplicationName);
        var identity = WorkerIdentity.FromConfiguration(builder.Configuration, builder.Environment.ApplicationName);
        builder.Services.AddSingleton(identity);

        builder.ConfigureOpenTelemetry(identity);
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.AddRedisIfConfigured();

        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<RedisUnavailableExceptionHandler>();
        builder.Services.AddSingleton<IExceptionHandler>(services => services.GetRequiredService<RedisUnavailableExceptionHandler>());
        builder.Services.AddSingleton<IDeveloperPageExceptionFilter>(services => services.GetRequiredService<RedisUnavailableExceptionHandler>());
        return builder;
    }

    /// <summary>Stamps every response with <c>X-Served-By: service/instance pid=N</c>, so a client sees which worker answered.</summary>
    public static IApplicationBuilder UseServedByHeader(this IApplicationBuilder app) => app.UseMiddleware<ServedByHeaderMiddleware>();

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthEndpoints();
        return app;
    }
}
