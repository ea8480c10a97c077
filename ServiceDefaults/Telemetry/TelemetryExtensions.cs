using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ReferenceApp.ServiceDefaults.Health;
using ReferenceApp.ServiceDefaults.Hosting;

namespace ReferenceApp.ServiceDefaults.Telemetry;

/// <summary>OpenTelemetry logs, metrics and traces with the worker's identity on every signal.</summary>
public static class TelemetryExtensions
{
    /// <summary>Every ActivitySource and Meter of this solution starts with this prefix, so one wildcard enables them all.</summary>
    public const string SourcePrefix = "ReferenceApp.";

    /// <summary>The resource attribute that carries the worker slot of a supervised process.</summary>
    public const string WorkerIndexAttribute = "worker.index";

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder, WorkerIdentity identity)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(identity);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var openTelemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(identity.ServiceName, serviceInstanceId: identity.InstanceId)
                .AddAttributes(ResourceAttributes(identity)))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(SourcePrefix + "*"))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(SourcePrefix + "*")
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddHttpClientInstrumentation());

        // The exporter honours OTEL_EXPORTER_OTLP_PROTOCOL and OTEL_EXPORTER_OTLP_HEADERS from configuration.
        // An unreachable endpoint only drops telemetry in the background; requests never wait on it.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            openTelemetry.UseOtlpExporter();
        }

        return builder;
    }

    internal static IEnumerable<KeyValuePair<string, object>> ResourceAttributes(WorkerIdentity identity)
    {
        yield return new("process.pid", (long)identity.ProcessId);
        if (identity.WorkerIndex is { } index)
        {
            yield return new(WorkerIndexAttribute, (long)index);
        }
    }

    private static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(HealthEndpoints.HealthPath) || path.StartsWithSegments(HealthEndpoints.AlivePath);
}
