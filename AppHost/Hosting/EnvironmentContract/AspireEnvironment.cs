using System.Globalization;
using System.Security.Cryptography;
using ReferenceApp.AppHost.Dashboard;
using ReferenceApp.AppHost.Hosting.ApplicationModel;

namespace ReferenceApp.AppHost.Hosting.EnvironmentContract;

/// <summary>
/// The environment .NET Aspire's AppHost gives a project resource, variable for variable, so every service runs unchanged
/// under either AppHost. Known deliberate differences are listed in docs/readme/apphost.md.
/// </summary>
public static class AspireEnvironment
{
    /// <summary>Variables of the AppHost's own environment a child must not inherit: they would bind the wrong port or leak a secret.</summary>
    public static readonly IReadOnlyList<string> RemovedExactly =
        ["ASPNETCORE_URLS", "URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "HTTPS_PORTS", "DOTNET_LAUNCH_PROFILE"];

    /// <summary>Prefixes of inherited variables a child must not see: the AppHost's settings (tokens among them) and discovery it was not given.</summary>
    public static readonly IReadOnlyList<string> RemovedPrefixes =
        [$"{AppHostOptions.SectionName}__", $"{DashboardOptions.SectionName}__", "ConnectionStrings__", "services__", "Supervisor__"];

    /// <summary>The Aspire contract for <paramref name="project"/>; <c>WithEnvironment</c> values win.</summary>
    public static IReadOnlyDictionary<string, string> For(ProjectResource project, ServiceEnvironmentContext context)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(context);
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);

        // A supervised project's public port goes to its Supervisor as --port; ASPNETCORE_URLS would make the Supervisor's own
        // Kestrel bind it (and the Supervisor strips it from its workers anyway).
        if (project is not SupervisedProjectResource && project.HttpEndpoint is { } endpoint)
        {
            environment["ASPNETCORE_URLS"] = endpoint.GetLeftPart(UriPartial.Authority);
        }

        environment["ASPNETCORE_ENVIRONMENT"] = context.EnvironmentName;

        foreach (var reference in project.References)
        {
            switch (reference)
            {
                case IResourceWithConnectionString { ConnectionString: { } connectionString } withConnectionString:
                    environment[$"ConnectionStrings__{withConnectionString.Name}"] = connectionString;
                    break;
                case IResourceWithHttpEndpoint { HttpEndpoint: { } referenced } withEndpoint:
                    environment[$"services__{withEndpoint.Name}__http__0"] = referenced.GetLeftPart(UriPartial.Authority);
                    break;
                default:
                    throw new InvalidOperationException($"{project.Name} references {reference.Name} before its connection string or endpoint is known.");
            }
        }

        // OpenTelemetry, as Aspire's OtlpConfigurationExtensions.AddOtlpEnvironment writes it (gRPC is preferred when both receivers exist).
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = context.OtlpEndpoint.GetLeftPart(UriPartial.Authority);
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
        environment["OTEL_EXPORTER_OTLP_HEADERS"] = $"{DashboardOptions.OtlpApiKeyHeader}={context.OtlpApiKey}";
        environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={context.InstanceId}";
        environment["OTEL_SERVICE_NAME"] = project.Name;
        if (context.IsDevelopment)
        {
            // Small batch delays so the dashboard shows telemetry within a second, every trace sampled.
            environment["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
            environment["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
            environment["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
            environment["OTEL_TRACES_SAMPLER"] = "always_on";
            environment["OTEL_METRICS_EXEMPLAR_FILTER"] = "trace_based";
        }

        // What Aspire adds for .NET projects.
        environment["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES"] = "true";
        environment["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES"] = "true";
        environment["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory";
        environment["LOGGING__CONSOLE__FORMATTERNAME"] = "simple";
        environment["LOGGING__CONSOLE__FORMATTEROPTIONS__TIMESTAMPFORMAT"] = "yyyy-MM-ddTHH:mm:ss.fffffff ";

        // Ours: the child stops when its stdin reaches EOF, i.e. when the AppHost is gone, however it died.
        environment["REFERENCEAPP_STOP_ON_STDIN_EOF"] = "1";

        foreach (var (name, value) in project.Environment)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>A per-run <c>service.instance.id</c> in the shape Aspire's orchestrator gives one: the name and 8 random characters.</summary>
    public static string NewInstanceId(string resourceName)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(CultureInfo.InvariantCulture, $"{resourceName}-{RandomNumberGenerator.GetString(alphabet, 8)}");
    }

    /// <summary>True for an inherited variable the AppHost removes before it starts a child.</summary>
    public static bool IsRemoved(string name) =>
        RemovedExactly.Contains(name, StringComparer.OrdinalIgnoreCase)
        || RemovedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
}
