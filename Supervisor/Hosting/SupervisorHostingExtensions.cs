using System.Diagnostics;
using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReferenceApp.ServiceDefaults.Hosting;
using ReferenceApp.ServiceDefaults.Telemetry;
using ReferenceApp.Supervisor.Balancing;
using ReferenceApp.Supervisor.Configuration;
using ReferenceApp.Supervisor.Control;
using ReferenceApp.Supervisor.Policies;
using ReferenceApp.Supervisor.Telemetry;
using ReferenceApp.Supervisor.Workers;

namespace ReferenceApp.Supervisor.Hosting;

/// <summary>Wires the Supervisor: command line, settings, workers, policies, control API endpoint and telemetry.</summary>
public static class SupervisorHostingExtensions
{
    /// <summary>Adds the command line to configuration; an exit code when the process should end now (--help, bad arguments).</summary>
    public static int? AddSupervisorCommandLine(this WebApplicationBuilder builder, string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var parsed = CommandLineSwitches.Parse(args);
        if (parsed.HelpRequested)
        {
            Console.Out.WriteLine(CommandLineSwitches.Usage);
            return 0;
        }

        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine($"Supervisor: {error}");
            }

            return ExitCodes.InvalidSettings;
        }

        builder.Configuration.AddInMemoryCollection(parsed.Settings);
        return null;
    }

    public static WebApplicationBuilder AddSupervisor(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.ConfigureOpenTelemetry(SupervisorIdentity(builder.Configuration));
        builder.AddParentWatchdog();

        services.AddOptions<SupervisorOptions>()
            .BindConfiguration(SupervisorOptions.SectionName, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SupervisorOptions>, SupervisorOptionsValidator>();
        services.AddOptions<HostOptions>().Configure<IOptions<SupervisorOptions>>((host, supervisor) =>
            host.ShutdownTimeout = supervisor.Value.DrainTimeout + TimeSpan.FromSeconds(10));

        services.TryAddTimeProvider();
        services.AddSingleton(provider =>
        {
            var app = provider.GetRequiredService<IOptions<SupervisorOptions>>().Value.App!;
            return WorkerApplication.TryResolve(app, out var resolved, out var problem) ? resolved : throw new InvalidOperationException(problem);
        });
        services.AddSingleton<RuntimeDirectory>();
        services.AddSingleton<WorkerLauncher>();
        services.AddSingleton<WorkerFactory>();
        services.AddSingleton<WorkerPool>();
        services.AddSingleton<RollingReload>();
        services.AddSingleton<WorkerWatchdog>();
        services.AddSingleton<SupervisorMetrics>();
        services.AddSingleton<ControlToken>();
        services.AddBalancingPolicy(provider => provider.GetRequiredService<IOptions<SupervisorOptions>>().Value.Balancing);
        services.AddHostedService<SupervisorService>();

        // The control API: loopback only, on the configured port (0 = any free one), whatever ASPNETCORE_URLS says.
        builder.WebHost.UseUrls();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<SupervisorOptions>>((kestrel, supervisor) =>
            kestrel.Listen(IPAddress.Loopback, supervisor.Value.ControlPort));
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return builder;
    }

    /// <summary>
    /// Fails fast before anything starts: every invalid setting, a missing app and a taken port end the process with one
    /// message per problem on stderr. Returns the exit code then, null when the Supervisor may run.
    /// </summary>
    public static async Task<int?> PrepareSupervisorAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        SupervisorOptions options;
        try
        {
            options = app.Services.GetRequiredService<IOptions<SupervisorOptions>>().Value;
        }
        catch (OptionsValidationException exception)
        {
            return await FailAsync(app, exception.Failures);
        }
        catch (InvalidOperationException exception)
        {
            // The binder: a value of the wrong type, or a setting that does not exist (a typo must not be ignored).
            return await FailAsync(app, [exception.Message]);
        }

        try
        {
            var context = new BalancingContext(IPAddress.Parse(options.Address), options.Port, app.Services.GetRequiredService<RuntimeDirectory>().Path);
            await app.Services.GetRequiredService<IBalancingPolicy>().StartAsync(context, app.Lifetime.ApplicationStopping);
        }
        catch (BalancingException exception)
        {
            return await FailAsync(app, [exception.Message]);
        }

        return null;
    }

    private static async Task<int> FailAsync(WebApplication app, IEnumerable<string> problems)
    {
        foreach (var problem in problems)
        {
            await Console.Error.WriteLineAsync($"Supervisor: {problem}");
        }

        await app.DisposeAsync();
        return ExitCodes.InvalidSettings;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    /// <summary>The Supervisor reports as the service it supervises, instance <c>name-supervisor</c>, beside its workers.</summary>
    private static WorkerIdentity SupervisorIdentity(ConfigurationManager configuration)
    {
        var name = configuration[$"{SupervisorOptions.SectionName}:{nameof(SupervisorOptions.Name)}"] is { Length: > 0 } configured
            ? configured
            : configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } otel
                ? otel
                : configuration[$"{SupervisorOptions.SectionName}:{nameof(SupervisorOptions.App)}"] is { Length: > 0 } app
                    ? Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(app)).ToLowerInvariant()
                    : "supervisor";
        using var self = Process.GetCurrentProcess();
        return new WorkerIdentity(name, $"{name}-supervisor", null, null, Environment.ProcessId,
            new DateTimeOffset(self.StartTime.ToUniversalTime(), TimeSpan.Zero));
    }
}
