using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReferenceApp.ServiceDefaults.Health;
using ReferenceApp.ServiceDefaults.Hosting;
using ReferenceApp.ServiceDefaults.Redis;
using ReferenceApp.ServiceDefaults.Supervision;
using ReferenceApp.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every service calls, in the shape of Aspire's service defaults: telemetry, health, service discovery,
/// resilience, Redis, shared Data Protection, and cooperation with a Supervisor when one launched the process.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var identity = WorkerIdentity.FromConfiguration(builder.Configuration, builder.Environment.ApplicationName);
        builder.Services.AddSingleton(identity);

        builder.ConfigureOpenTelemetry(identity);
        builder.AddDefaultHealthChecks();
        builder.AddParentWatchdog();
        builder.AddSupervision();

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
        builder.Services.AddTransient<IStartupFilter, ServiceDefaultsStartupFilter>();

        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthEndpoints();
        return app;
    }
}
